"""`viewer`: the caller's role and bodies, as the key makes them (the console shows them after sign-in)."""

from __future__ import annotations

QUERY = "{ viewer { role bodies } }"


async def test_viewer_names_the_role_and_bodies_of_the_key(gql, api_keys):
    assert (await gql(QUERY))["data"]["viewer"] == {"role": "public", "bodies": []}
    dcc = await api_keys.get("dcc")
    assert (await gql(QUERY, key=dcc))["data"]["viewer"] == {"role": "dcc", "bodies": []}
    opsg = await api_keys.get("opsg", bodies=("SSC",))
    assert (await gql(QUERY, key=opsg))["data"]["viewer"] == {"role": "opsg", "bodies": ["OPSG", "SSC"]}


async def test_viewer_lists_what_the_role_may_use_as_the_server_decides_it(gql, api_keys):
    """The console offers only these (the OPSG table, the observation form); it keeps no role list of its own."""
    query = "{ viewer { may } }"
    assert (await gql(query))["data"]["viewer"]["may"] == []
    dcc = await api_keys.get("dcc")
    assert (await gql(query, key=dcc))["data"]["viewer"]["may"] == ["exceptions", "reviewException", "uploadReport"]
    panel = await api_keys.get("panel")
    assert (await gql(query, key=panel))["data"]["viewer"]["may"] == ["exceptions", "reviewException", "opsgReport"]
    opsg = await api_keys.get("opsg")
    refused = await gql(
        'mutation { recordObservation(input: {reportType: "X", period: "2026-01", text: "t"}) { errors { code } } }',
        key=panel,
    )
    assert refused["data"]["recordObservation"]["errors"][0]["code"] == "FORBIDDEN"
    assert "recordObservation" in (await gql(query, key=opsg))["data"]["viewer"]["may"]


async def test_labels_word_every_value_of_the_enums_they_name(gql):
    labels = (await gql("{ labels { kind value text doneText } }"))["data"]["labels"]
    by_kind: dict[str, list[str]] = {}
    for label in labels:
        by_kind.setdefault(label["kind"], []).append(label["value"])
    schema = (await gql("{ __schema { types { name enumValues { name } } } }"))["data"]["__schema"]["types"]
    enums = {t["name"]: {v["name"] for v in t["enumValues"]} for t in schema if t["enumValues"]}
    assert set(by_kind) == {
        "ReviewAction",
        "ExceptionStatus",
        "Severity",
        "SubmissionStatus",
        "Delivery",
        "PartyCategory",
        "FindingDetail",
    }
    for kind, values in by_kind.items():
        assert kind == "FindingDetail" or set(values) == enums[kind], kind
    escalate = next(label for label in labels if label["value"] == "ESCALATE")
    assert (escalate["text"], escalate["doneText"]) == ("Escalate to the Panel", "Escalated")
    only = (await gql('{ labels(kinds: ["Delivery"]) { kind } }'))["data"]["labels"]
    assert {label["kind"] for label in only} == {"Delivery"}


async def test_only_the_administrator_may_load_the_register(gql, api_keys):
    for role, may in [("secas", True), ("admin", True), ("opsg", False), ("panel", False), ("dcc", False)]:
        got = (await gql("{ viewer { may } }", key=await api_keys.get(role)))["data"]["viewer"]["may"]
        assert ("importRegister" in got) == may, role


async def test_viewer_names_the_bodies_whose_meetings_discuss_exceptions(gql):
    """The console offers only these bodies' meetings for a review; the list is the server's, not the console's."""
    assert (await gql("{ viewer { discussedAt } }"))["data"]["viewer"]["discussedAt"] == ["OPSG", "PANEL"]
