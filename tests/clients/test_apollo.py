"""Apollo Client 4 as a front end uses it: relayStylePagination over pages, the asOf case with the default cache, and
automatic persisted queries (PersistedQueryLink) over POST and over GET with their fallback."""

from __future__ import annotations

from tests.clients.conftest import Api, need_node, node


def test_apollo_client(api: Api) -> None:
    need_node()
    out = node("apollo.mjs", api.graphql)

    # Two pages merged by relayStylePagination: ten distinct Parties of the 39 in the demo register.
    assert out["paging"] == {"totalCount": 39, "edges": 10, "distinct": 10, "hasNextPage": True}

    # POST: the hash alone first (unknown: PERSISTED_QUERY_NOT_FOUND), then the text with it; a new client's hash alone
    # is then enough, also for another API process (the documents are kept in PostgreSQL).
    first, second = out["persistedPost"]
    assert [(r["method"], r["sentText"], r["sentHash"]) for r in first["requests"]] == [
        ("POST", False, True),
        ("POST", True, True),
    ]
    assert first["requests"][-1]["status"] == 200 and first["bodies"] > 0
    assert [(r["method"], r["sentText"], r["status"]) for r in second["requests"]] == [("POST", False, 200)]

    # GET (useGETForHashedQueries): the hash in the URL; the fallback is a POST with the text; then GETs that carry
    # an ETag, as HTTP caches want them.
    first, second = out["persistedGet"]
    assert [(r["method"], r["sentText"]) for r in first["requests"]] == [("GET", False), ("POST", True)]
    assert [(r["method"], r["sentText"], r["status"]) for r in second["requests"]] == [("GET", False, 200)]
    assert second["requests"][0]["etag"]


def test_apollo_keeps_a_view_as_of_a_day_apart_from_today(api: Api) -> None:
    """Boltland was ACTIVE on 2018-07-26 and has withdrawn since: with Apollo's default cache, reading today's view
    must not overwrite the view as of that day (each has an ID of its own, which node(id:) answers as of the day)."""
    need_node()
    out = node("apollo.mjs", api.graphql)["asOf"]
    assert out == {
        "then": "ACTIVE",
        "today": "WITHDRAWN",
        "thenFromCache": "ACTIVE",
        "sameId": False,
        "nodeOfThen": "ACTIVE",
    }
