"""Who is asking: the role and bodies that decide what a classified item shows to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.classification import clearance, may_see
from domain.roles import IMPLIED_BODIES, is_staff


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
        return is_staff(self.role)

    def may_see(self, classification: str, body_code: str | None) -> bool:
        """Whether an item of this classification owned by this body is shown to this viewer."""
        return may_see(classification, body_code, clearance(self.role, self.all_bodies))

    def sql_args(self) -> dict[str, object]:
        """The arguments the store's classification filters take."""
        return clearance(self.role, self.all_bodies).sql_args()


PUBLIC = Viewer()
SYSTEM = Viewer(role="admin", name="system")
