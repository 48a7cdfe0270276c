"""The secgov app for `uvicorn bench.server:create --factory --workers N`, set up as `secgov serve` sets it up
(settings from the environment, its JSON logs with the edge's access line), so the benchmark drives the real server
with several processes; bench/reads.py sets SECGOV_ENV=production and DATABASE_URL."""

from __future__ import annotations

import importlib.util
import os

from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings


def create() -> Starlette:
    if importlib.util.find_spec("api.logs") is not None:
        from api import logs

        logs.configure()
    return create_app(Settings.from_env(os.environ))
