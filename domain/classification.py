"""Who may see a classified item (a meeting, highlight or action, owned by a body): decided here once, and handed to
SQL as data, so the store's filters only compare (`can_see` in the migrations takes what this module gives).

White: everyone. Green: anyone with a key. Amber: members of the owning body, and the Panel. Red: members of the
owning body only. The administrator's roles: everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.roles import is_staff

CLASSIFICATIONS = ("WHITE", "GREEN", "AMBER", "RED")
# Seen by anyone with a key, whoever owns the item.
ANY_KEY_SEES = ("WHITE", "GREEN")
# Seen by members of the owning body, whatever else the viewer is.
MEMBERS_SEE = ("AMBER", "RED")


@dataclass(frozen=True, slots=True)
class Clearance:
    """What a viewer may see: classifications seen whoever owns the item, and those seen where the viewer is a member
    of the owning body."""

    anywhere: tuple[str, ...]
    as_member: tuple[str, ...]
    bodies: tuple[str, ...]

    def sql_args(self) -> dict[str, object]:
        """The arguments of the store's classification filters (`can_see(classification, body, :seen_anywhere,
        :seen_as_member, :viewer_bodies)`)."""
        return {
            "seen_anywhere": list(self.anywhere),
            "seen_as_member": list(self.as_member),
            "viewer_bodies": list(self.bodies),
        }


def clearance(role: str, bodies: tuple[str, ...]) -> Clearance:
    """The clearance of a role that belongs to these bodies (its implied body included)."""
    if is_staff(role):
        return Clearance(CLASSIFICATIONS, (), bodies)
    anywhere = ["WHITE"] if role == "public" else list(ANY_KEY_SEES)
    if "PANEL" in bodies:
        anywhere.append("AMBER")
    return Clearance(tuple(anywhere), MEMBERS_SEE, bodies)


def may_see(classification: str, body_code: str | None, c: Clearance) -> bool:
    """Whether an item of this classification, owned by this body, is shown (the rule `can_see` applies in SQL)."""
    return classification in c.anywhere or (classification in c.as_member and body_code in c.bodies)
