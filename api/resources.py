"""What the app's lifespan opens and its parts share: the database pool, the broker's bell and the what-if's child."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.whatif_child import WhatIfChild
from schema.context import Enqueue
from sql.db import Pool
from sql.listen import EventHub


@dataclass
class Resources:
    _pool: Pool | None = None
    enqueue: Enqueue | None = None
    what_if: WhatIfChild | None = None
    hub: EventHub = field(default_factory=EventHub)

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise RuntimeError("the database pool is not open yet")
        return self._pool
