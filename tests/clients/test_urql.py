"""urql 6 with graphql-ws 6 for subscriptions: the everyday paths, and an upload's exceptions heard live."""

from __future__ import annotations

from tests.clients.conftest import Api, need_node, node


def test_urql_and_graphql_ws(api_with_worker: Api) -> None:
    need_node()
    out = node("urql.mjs", api_with_worker.graphql, api_with_worker.dcc)
    assert out["page"]["totalCount"] > 3 and len(out["page"]["names"]) == 3
    assert out["node"]["__typename"] == "Party" and out["node"]["name"] == out["page"]["names"][0]
    assert out["refused"] == ["FORBIDDEN"]  # a payload error: the DCC may not change the register
    assert out["upload"]["errors"] == [] and out["upload"]["submission"]["status"] == "RECEIVED"
    assert out["flagged"] == [
        "LATE_DELIVERY FILE OPEN",
        "VARIANCE_ABOVE_TOLERANCE S1 OPEN",
        "VARIANCE_ABOVE_TOLERANCE TOTAL OPEN",
    ]
