"""Who may see a classified item: the rule in domain/classification.py, role by role, as the access table states it."""

from __future__ import annotations

import pytest

from domain.viewer import Viewer

# (viewer, classification, owning body) -> shown
CASES = [
    (Viewer(), "WHITE", "SSC", True),
    (Viewer(), "GREEN", "SSC", False),
    (Viewer(role="party", party_id=1), "GREEN", "SSC", True),
    (Viewer(role="dcc"), "AMBER", "SSC", False),
    (Viewer(role="dcc", bodies=("SSC",)), "AMBER", "SSC", True),
    (Viewer(role="dcc", bodies=("SSC",)), "RED", "SSC", True),
    (Viewer(role="dcc", bodies=("SSC",)), "RED", "TABASC", False),
    (Viewer(role="panel"), "AMBER", "OPSG", True),  # the Panel sees every body's Amber
    (Viewer(role="panel"), "RED", "OPSG", False),  # but Red only of its own body
    (Viewer(role="panel"), "RED", "PANEL", True),
    (Viewer(role="opsg"), "RED", "OPSG", True),
    (Viewer(role="opsg"), "AMBER", "PANEL", False),
    (Viewer(role="secas"), "RED", "TABASC", True),
    (Viewer(role="admin"), "AMBER", None, True),
    (Viewer(role="opsg"), "PURPLE", "OPSG", False),  # an unknown classification shows to nobody but staff
]


@pytest.mark.parametrize(("viewer", "classification", "body", "shown"), CASES)
def test_who_sees_a_classified_item(viewer: Viewer, classification: str, body: str | None, shown: bool) -> None:
    assert viewer.may_see(classification, body) is shown


def test_the_store_is_handed_the_same_rule_as_data() -> None:
    args = Viewer(role="panel").sql_args()
    assert args == {
        "seen_anywhere": ["WHITE", "GREEN", "AMBER"],
        "seen_as_member": ["AMBER", "RED"],
        "viewer_bodies": ["PANEL"],
    }
