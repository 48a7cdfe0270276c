"""Reviewing an exception is one use case (services.review): the reviewException mutation is a door to it, and any
other door calling it gets the same answer, refusals included, word for word."""

from __future__ import annotations

import pytest

from domain.errors import Refusal
from domain.viewer import Viewer
from schema.relay import global_id
from services.review import Review, review_exception
from tests.support.reports import csv_bytes
from tests.support.seed import a_party, exception_ids, validated

REVIEW = """mutation($id: ID!, $action: ReviewAction!, $comment: String) {
  reviewException(id: $id, action: $action, comment: $comment) {
    exception { status history { actor action toStatus comment } } errors { code message field } } }"""

# (role, action, comment): each refused, by the role, the transition or the missing comment.
REFUSED = [
    ("public", "ACKNOWLEDGE", None),
    ("party", "ACKNOWLEDGE", None),
    ("dcc", "RESOLVE", "done"),
    ("panel", "WAIVE", "not escalated"),
    ("opsg", "REOPEN", "never closed"),
    ("opsg", "WAIVE", "  "),
]


@pytest.fixture
async def exception_pk(pool) -> int:
    await validated(
        pool, "CSR_VARIANCE", "2018-05", csv_bytes("subscriber,forecast,actual", "S1,100,100", "S2,100,300")
    )
    return (await exception_ids(pool, "VARIANCE_ABOVE_TOLERANCE"))[0]


async def test_the_mutation_and_the_use_case_refuse_alike(gql, api_keys, pool, exception_pk):
    party_id = await a_party(pool)
    for role, action, comment in REFUSED:
        key = await api_keys.get(role, party_id=party_id if role == "party" else None)
        body = await gql(
            REVIEW, {"id": global_id("ReportException", exception_pk), "action": action, "comment": comment}, key=key
        )
        [door] = body["data"]["reviewException"]["errors"]
        viewer = Viewer(role=role, name=f"{role}-direct")
        async with pool.acquire() as conn:
            with pytest.raises(Refusal) as refused:
                await review_exception(conn, viewer, Review(exception_pk, action, comment))
        assert (door["code"], door["message"], door["field"]) == (
            refused.value.code,
            refused.value.message,
            refused.value.field,
        ), (role, action)


async def test_a_review_through_the_use_case_is_kept_as_through_the_mutation(gql, api_keys, pool, exception_pk):
    async with pool.acquire() as conn:
        row = await review_exception(conn, Viewer(role="opsg", name="opsg-direct"), Review(exception_pk, "ACKNOWLEDGE"))
    assert row.status == "ACKNOWLEDGED"
    opsg = await api_keys.get("opsg")
    body = await gql(
        REVIEW, {"id": global_id("ReportException", exception_pk), "action": "RESOLVE", "comment": "fixed"}, key=opsg
    )
    result = body["data"]["reviewException"]
    assert result["errors"] == []
    assert [(h["actor"], h["action"], h["toStatus"]) for h in result["exception"]["history"]][-2:] == [
        ("opsg-direct", "ACKNOWLEDGE", "ACKNOWLEDGED"),
        ("opsg-0", "RESOLVE", "RESOLVED"),
    ]
