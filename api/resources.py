"""What the app's lifespan opens and its parts share: the database pool (and the broker's bell)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.upload import Enqueue
from sql.db import Pool
from sql.listen import EventHub


@dataclass
class Resources:
    _pool: Pool | None = None
    enqueue: Enqueue | None = None
    hub: EventHub = field(default_factory=EventHub)

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise RuntimeError("the database pool is not open yet")
        return self._pool
