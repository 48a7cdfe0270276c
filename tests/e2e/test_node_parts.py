"""Findings, validation runs, exceptions' history entries, audit entries and modifications' events have global IDs
(normalized caches store them on their own) and node(id:) finds each again, for the roles that may see it."""

from __future__ import annotations

from domain.errors import Refusal
from domain.roles import ROLES
from schema.errors import ErrorCode
from schema.viewer import Role
from tests.support.reports import csv_bytes
from tests.support.seed import validated

SUBMISSION = """query Submission($id: ID!) {
  reportSubmission(id: $id) {
    runs { id outcome }
    findings(first: 5) { edges { node { id ruleCode } } }
    exceptions(first: 5) { edges { node { history { id action } } } }
  }
}"""
NODE = """query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Finding { ruleCode }
    ... on ValidationRun { outcome }
    ... on HistoryEntry { action }
    ... on AuditEntry { operation }
    ... on ModificationEvent { kind }
  }
}"""


async def test_report_parts_are_nodes_for_report_readers(pool, gql, api_keys):
    from schema.relay import global_id

    pk = await validated(pool, "CSR_VARIANCE", "2018-05", csv_bytes("subscriber,forecast,actual", "S1,100,300"))
    opsg = await api_keys.get("opsg")
    found = (await gql(SUBMISSION, {"id": global_id("ReportSubmission", pk)}, key=opsg))["data"]["reportSubmission"]
    run = found["runs"][0]
    finding = found["findings"]["edges"][0]["node"]
    entry = found["exceptions"]["edges"][0]["node"]["history"][0]
    for part, typename, field in (
        (run, "ValidationRun", "outcome"),
        (finding, "Finding", "ruleCode"),
        (entry, "HistoryEntry", "action"),
    ):
        node = (await gql(NODE, {"id": part["id"]}, key=opsg))["data"]["node"]
        assert node == {"__typename": typename, "id": part["id"], field: part[field]}
        assert (await gql(NODE, {"id": part["id"]}))["data"]["node"] is None  # the public does not see it


async def test_audit_entries_and_modification_events_are_nodes(gql, api_keys):
    admin = await api_keys.get("admin")
    created = await gql(
        'mutation { createModification(input: {reference: "MP900", title: "T"}) '
        "{ modification { id } errors { code } } }",
        key=admin,
    )
    modification = created["data"]["createModification"]["modification"]["id"]
    recorded = await gql(
        "mutation Record($id: ID!) { recordModificationEvent(input: "
        '{modificationId: $id, kind: CONSULTATION, occurredOn: "2024-01-02"}) '
        "{ modificationEvent { id kind } errors { code } } }",
        {"id": modification},
        key=admin,
    )
    event = recorded["data"]["recordModificationEvent"]["modificationEvent"]
    assert (await gql(NODE, {"id": event["id"]}))["data"]["node"] == {
        "__typename": "ModificationEvent",
        "id": event["id"],
        "kind": event["kind"],
    }
    entries = await gql("{ auditLog(first: 1) { edges { node { id operation } } } }", key=admin)
    entry = entries["data"]["auditLog"]["edges"][0]["node"]
    node = (await gql(NODE, {"id": entry["id"]}, key=admin))["data"]["node"]
    assert node == {"__typename": "AuditEntry", **entry}
    opsg = await api_keys.get("opsg")
    assert (await gql(NODE, {"id": entry["id"]}, key=opsg))["data"]["node"] is None


def test_every_refusal_code_and_role_is_in_the_schemas_enums():
    def subclasses(cls: type) -> set[type]:
        return {cls} | {s for c in cls.__subclasses__() for s in subclasses(c)}

    codes = {c.code for c in subclasses(Refusal)}
    assert codes <= {e.value for e in ErrorCode}
    assert {r.value for r in Role} == set(ROLES)


async def test_user_error_code_and_viewer_role_keep_their_wire_values(gql, api_keys):
    refused = await gql(
        'mutation { createVotingGroup(input: {name: "G", category: OTHER_SEC_PARTY}) { errors { code } } }'
    )
    assert refused["data"]["createVotingGroup"]["errors"][0]["code"] == "UNAUTHENTICATED"
    assert (await gql("{ viewer { role } }"))["data"]["viewer"]["role"] == "public"
    assert (await gql("{ viewer { role } }", key=await api_keys.get("opsg")))["data"]["viewer"]["role"] == "opsg"
