"""The response cache bounds real memory: under many distinct small answers (the shape that made its old
accounting, by `len()` of bodies and keys, undercount the memory twentyfold), the process's resident memory grows by
at most 1.5 times the configured limit. Measured in a child process of its own (tests/support/cache_rss.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Large enough that the allocator's own drift (about 2 MB over these requests with the cache off) is small beside
# it; more answers than the limit holds, so the cache evicts for most of the run.
LIMIT = 4 * 1024 * 1024
ANSWERS = 16_000
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_rss_growth_under_many_distinct_small_answers_stays_within_the_limit(dsn):
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.cache_rss", dsn, str(LIMIT), str(ANSWERS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    growth = figures["after"] - figures["before"]
    print(
        f"{ANSWERS:,} distinct answers under a {LIMIT:,}-byte limit: RSS +{growth / 1024:,.0f} KiB; "
        f"{figures['entries']:,} kept, {figures['counted']:,} bytes counted, {figures['evictions']:,} evicted"
    )
    assert figures["evictions"] > 0  # the limit was reached: what is kept is what the limit allows
    assert figures["counted"] <= LIMIT
    assert growth <= 1.5 * LIMIT, figures
