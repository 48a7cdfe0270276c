"""The access table of docs/domain.md ("Roles") as the tests hold it: each viewer's role, the extra bodies on its
key, and the classifications it sees of items owned by OPSG and by SSC."""

from __future__ import annotations

CLASSES = ("WHITE", "GREEN", "AMBER", "RED")
OWNERS = ("OPSG", "SSC")

# White all; Green any key; Amber members of the owning body and `panel`; Red members of the owning body only; secas
# and admin everything.
VIEWERS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    #             role      bodies     OPSG    SSC
    "public": ("public", (), "W", "W"),
    "party": ("party", (), "WG", "WG"),
    "dcc": ("dcc", (), "WG", "WG"),
    "opsg": ("opsg", (), "WGAR", "WG"),
    "panel": ("panel", (), "WGA", "WGA"),
    "ssc-key": ("dcc", ("SSC",), "WG", "WGAR"),
    "secas": ("secas", (), "WGAR", "WGAR"),
    "admin": ("admin", (), "WGAR", "WGAR"),
}


def sees(viewer: str, owner: str, classification: str) -> bool:
    _, _, opsg, ssc = VIEWERS[viewer]
    return classification[0] in (opsg if owner == "OPSG" else ssc)
