"""Who is asking: the role and bodies that decide what a classified item shows to them."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("public", "party", "dcc", "secas", "opsg", "panel", "admin")
# A role that is a body's membership implies that body.
IMPLIED_BODIES = {"opsg": "OPSG", "panel": "PANEL"}


@dataclass(frozen=True, slots=True)
class Viewer:
    role: str = "public"
    bodies: tuple[str, ...] = ()
    party_id: int | None = None
    key_id: int | None = None
    name: str = "public"
    all_bodies: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        implied = IMPLIED_BODIES.get(self.role)
        bodies = tuple(sorted(set(self.bodies) | ({implied} if implied else set())))
        object.__setattr__(self, "all_bodies", bodies)

    @property
    def is_staff(self) -> bool:
        """The administrator's roles: see and change everything."""
        return self.role in ("secas", "admin")

    def sql_args(self) -> dict[str, object]:
        return {"viewer_role": self.role, "viewer_bodies": list(self.all_bodies)}


PUBLIC = Viewer()
SYSTEM = Viewer(role="admin", name="system")
