"""Abusive clients over HTTP: rate limits count the key however its header is spelled (and the address otherwise),
every read route is limited, an upload by a role that may not upload is refused before its body is read, and every
text input of every mutation has a length limit (so an audit row stays small whatever a key sends)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from api.app import create_app
from api.settings import Settings
from schema.root import build_schema
from tests.support.reports import csv_bytes, upload
from tests.support.seed import a_party

CSR = "subscriber,forecast,actual"
QUERY = {"query": "{ __typename }"}


@pytest.fixture
async def tight(pool) -> AsyncIterator[Any]:
    """The app with small limits, and a client per client address."""
    app = create_app(Settings(rate_limits="uploads=2/minute;graphql=5/minute;reads=3/minute"), pool=pool)

    def client(address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://testserver"
        )

    async with client("10.0.0.1") as a, client("10.0.0.2") as b:
        yield a, b


# a. Counted by the parsed key, and by address ----------------------------------------------------------------------


async def test_one_key_is_one_count_however_its_header_is_spelled(tight, api_keys, statements):
    a, _ = tight
    dcc = await api_keys.get("dcc")
    spellings = [f"Bearer {dcc}", f"bearer {dcc}", f"Bearer  {dcc}", f"BEARER {dcc}", f"  Bearer\t{dcc} "]
    for header in spellings:
        r = await a.post("/graphql", json=QUERY, headers={"Authorization": header})
        assert r.status_code == 200, (header, r.text)
    statements.reset()
    for header in spellings:
        r = await a.post("/graphql", json=QUERY, headers={"Authorization": header})
        assert r.status_code == 429 and r.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED", (header, r.text)
    assert statements.count() == 0


async def test_a_header_that_is_not_a_bearer_key_counts_against_the_address(tight):
    """Made-up headers are not each their own count: they are the address's (and refused 401 each)."""
    a, b = tight
    for i in range(5):
        r = await a.post("/graphql", json=QUERY, headers={"Authorization": f"Basic made-up-{i}"})
        assert r.status_code == 401, r.text
    assert (await a.post("/graphql", json=QUERY, headers={"Authorization": "Token x"})).status_code == 429
    assert (await a.post("/graphql", json=QUERY)).status_code == 429
    assert (await b.post("/graphql", json=QUERY)).status_code == 200


async def read_routes(api_keys) -> dict[str, tuple[str, str | None]]:
    secas = await api_keys.get("secas")
    return {
        "metrics": ("/metrics", secas),
        "readyz": ("/readyz", None),
        "submission": ("/api/v1/submissions/UmVwb3J0U3VibWlzc2lvbjox", secas),
        "opsg download": ("/api/v1/opsg-report/2018-06.md", secas),
    }


@pytest.mark.parametrize("route", ["metrics", "readyz", "submission", "opsg download"])
async def test_read_routes_are_limited(tight, api_keys, statements, route):
    a, b = tight
    path, key = (await read_routes(api_keys))[route]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    for _ in range(3):
        r = await a.get(path, headers=headers)
        assert r.status_code != 429, r.text
    statements.reset()
    r = await a.get(path, headers=headers)
    assert r.status_code == 429 and r.json()["error"]["code"] == "RATE_LIMITED", r.text
    assert int(r.headers["Retry-After"]) >= 1 and "3 per minute" in r.json()["error"]["message"]
    assert statements.count() == 0
    if key is None:  # without a key, the next address has its own count
        assert (await b.get(path)).status_code != 429


# b. The role before the body ---------------------------------------------------------------------------------------

UPLOAD = """mutation($file: Upload!) { uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) {
    submission { id } errors { code message field } } }"""


class SlowBody:
    """A 64 MiB multipart body in 1 MiB chunks, counting how many the server took."""

    CHUNKS = 64

    def __init__(self) -> None:
        self.boundary = "secgov-boundary"
        self.sent = 0
        operations = json.dumps({"query": UPLOAD, "variables": {"file": None}})
        self.head = (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
            f'{{"0": ["variables.file"]}}\r\n--{self.boundary}\r\nContent-Disposition: form-data; '
            f'name="0"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += 1
        yield self.head + csv_bytes(CSR, "S1,1,1")
        for _ in range(self.CHUNKS):
            self.sent += 1
            yield b"S2,1,1\n" * (1024 * 1024 // 7)
        self.sent += 1
        yield f"\r\n--{self.boundary}--\r\n".encode()

    def headers(self, key: str | None) -> dict[str, str]:
        headers = {"Content-Type": f"multipart/form-data; boundary={self.boundary}", "X-Secgov-Upload": "1"}
        return headers | ({"Authorization": f"Bearer {key}"} if key else {})


@pytest.mark.parametrize(
    ("role", "code"), [("public", "UNAUTHENTICATED"), ("party", "FORBIDDEN"), ("opsg", "FORBIDDEN")]
)
async def test_upload_report_refuses_a_role_before_reading_the_file(client, api_keys, pool, role, code):
    """The answer is the mutation's usual payload error (and audit entry); of the 64 MiB body only the first chunk
    (the fields before the file) was taken."""
    party_id = await a_party(pool) if role == "party" else None
    key = await api_keys.get(role, party_id=party_id)
    body = SlowBody()
    r = await client.post("/graphql", content=body, headers=body.headers(key))
    assert r.status_code == 200, r.text[:300]
    payload = r.json()["data"]["uploadReport"]
    assert payload["submission"] is None and [e["code"] for e in payload["errors"]] == [code], payload
    assert "dcc, secas or admin" in payload["errors"][0]["message"]
    assert body.sent <= 1, f"{body.sent} of {SlowBody.CHUNKS + 2} chunks were read"
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM submissions") == 0
        rows = await conn.fetch("SELECT action, operation, outcome FROM audit_log")
    # A key holder's attempt is audited like any refused mutation (anonymous ones are only logged).
    assert [tuple(row) for row in rows] == ([("UPLOAD", "uploadReport", code)] if key else [])


async def test_upload_report_by_dcc_reads_the_whole_body(client, api_keys):
    """The control: an uploader's body is read (and refused only for its size, after the 64 MiB)."""
    body = SlowBody()
    r = await client.post("/graphql", content=body, headers=body.headers(await api_keys.get("dcc")))
    assert r.status_code == 200, r.text[:300]
    assert body.sent == SlowBody.CHUNKS + 2
    assert r.json()["data"]["uploadReport"]["errors"] == []


# c. Length limits on every text input of every mutation ------------------------------------------------------------

SCALARS: dict[str, Any] = {
    "String": "x",
    "ID": "x",
    "Date": "2018-01-01",
    "DateTime": "2018-01-01T00:00:00Z",
    "Boolean": True,
    "Int": 1,
    "Float": 1.0,
    "JSON": {},
}
HUGE = 10_001  # longer than any text limit


def unwrap(t: GraphQLInputType) -> GraphQLInputType:
    return t.of_type if isinstance(t, GraphQLNonNull) else t


def minimal(t: GraphQLInputType) -> Any:
    """A value of type t with only what is required."""
    t = unwrap(t)
    if isinstance(t, GraphQLList):
        return [minimal(t.of_type)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        return {name: minimal(f.type) for name, f in t.fields.items() if isinstance(f.type, GraphQLNonNull)}
    assert isinstance(t, GraphQLScalarType)
    return SCALARS[t.name]


def text_leaves(t: GraphQLInputType, path: list[str | int]) -> list[tuple[list[str | int], str, bool]]:
    """(path, scalar name, is a list) of every String and ID a value of type t may carry."""
    t = unwrap(t)
    if isinstance(t, GraphQLList):
        inner = unwrap(t.of_type)
        if isinstance(inner, GraphQLScalarType) and inner.name in ("String", "ID"):
            return [(path, inner.name, True)]
        return text_leaves(inner, [*path, 0])
    if isinstance(t, GraphQLInputObjectType):
        return [leaf for name, f in t.fields.items() for leaf in text_leaves(f.type, [*path, name])]
    if isinstance(t, GraphQLScalarType) and t.name in ("String", "ID"):
        return [(path, t.name, False)]
    return []


def put(t: GraphQLInputType, value: Any, path: list[str | int], leaf: Any) -> Any:
    """value (of type t) with the text at path replaced by leaf; what the path needs is made minimal first."""
    if not path:
        return leaf
    t = unwrap(t)
    head, *rest = path
    if isinstance(t, GraphQLList):
        inner = value[0] if isinstance(value, list) and value else minimal(t.of_type)
        return [put(t.of_type, inner, rest, leaf)]
    assert isinstance(t, GraphQLInputObjectType) and isinstance(head, str)
    base = dict(value or minimal(t))
    base[head] = put(t.fields[head].type, base.get(head), rest, leaf)
    return base


def field_name(arg: str, arg_type: GraphQLInputType, path: list[str | int]) -> str:
    """How an error names the input: the argument, or within `input: {...}` the input's field ("note",
    "serviceLevels[0].measure")."""
    parts = [] if isinstance(unwrap(arg_type), GraphQLInputObjectType) else [arg]
    out = ""
    for p in [*parts, *path]:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


@dataclass(frozen=True)
class Case:
    """One text (or list of texts) of one mutation, and how to send the mutation with a value put there."""

    mutation: str
    document: str
    base: dict[str, Any]
    argument: str
    argument_type: GraphQLInputType
    path: list[str | int]
    field: str  # how the error names it
    scalar: str
    is_list: bool

    def variables(self, leaf: Any) -> dict[str, Any]:
        return {**self.base, self.argument: put(self.argument_type, self.base.get(self.argument), self.path, leaf)}

    def text(self, length: int) -> Any:
        return ["x" * length] if self.is_list else "x" * length


def cases() -> list[Case]:
    """Every text leaf of every mutation (those taking files, multipart, are below: uploadReport; importRegister
    takes files only)."""
    schema = build_schema()._schema  # type: ignore[attr-defined]
    found = []
    for name, field in schema.mutation_type.fields.items():
        if any(getattr(unwrap(arg.type), "name", None) == "Upload" for arg in field.args.values()):
            continue
        decls = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
        call = ", ".join(f"{a}: ${a}" for a in field.args)
        document = f"mutation({decls}) {{ {name}({call}) {{ errors {{ code message field }} }} }}"
        base = {a: minimal(arg.type) for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
        for a, arg in field.args.items():
            for path, scalar, is_list in text_leaves(arg.type, []):
                target = field_name(a, arg.type, path)
                found.append(
                    Case(
                        name, document, base, a, arg.type, path, f"{target}[0]" if is_list else target, scalar, is_list
                    )
                )
    return found


CASES = cases()


def test_the_cases_cover_the_free_text_of_the_mutations():
    targets = {(c.mutation, c.field) for c in CASES}
    for expected in [
        ("reviewException", "comment"),
        ("reviewException", "id"),
        ("reviewException", "meetingId"),
        ("createParty", "name"),
        ("createParty", "note"),
        ("amendCalendar", "reason"),
        ("createHighlight", "body"),
        ("amendReportType", "serviceLevels[0].measure"),
        ("createModification", "formerReferences[0]"),
        ("recordPartyEvent", "partyId"),
    ]:
        assert expected in targets, expected
    assert len(CASES) > 50


def refusals(body: dict[str, Any], mutation: str) -> list[tuple[str, str, str]]:
    return [(e["code"], e["field"], e["message"]) for e in body["data"][mutation]["errors"]]


async def test_every_text_input_of_every_mutation_is_bounded(gql, api_keys):
    """Each String or ID, one at a time: far too long → INVALID_INPUT naming the field and its limit; exactly at
    that limit → not refused for its length (perhaps for something else: "xxx" is no Party). Each list of texts
    with 101 items → INVALID_INPUT too."""
    admin = await api_keys.get("admin")
    limits = {}
    for case in CASES:
        refused = refusals(await gql(case.document, case.variables(case.text(HUGE)), key=admin), case.mutation)
        assert [(code, field) for code, field, _ in refused] == [("INVALID_INPUT", case.field)], (case, refused)
        found = re.search(r"the limit is ([0-9,]+)", refused[0][2])
        assert found and case.field in refused[0][2], refused
        limit = limits[case.mutation, case.field] = int(found.group(1).replace(",", ""))
        assert limit <= (100 if case.scalar == "ID" else 10_000)
        at_limit = refusals(await gql(case.document, case.variables(case.text(limit)), key=admin), case.mutation)
        assert not [r for r in at_limit if "the limit is" in r[2]], (case, at_limit)
        if case.is_list:
            many = refusals(await gql(case.document, case.variables(["x"] * 101), key=admin), case.mutation)
            target = case.field.removesuffix("[0]")
            assert many == [("INVALID_INPUT", target, f"{target} has 101 items; the limit is 100")], many
    print(f"{len(limits)} inputs bounded: " + ", ".join(f"{m}.{f} {n:,}" for (m, f), n in sorted(limits.items())))


async def test_text_at_the_limit_is_accepted(gql, api_keys):
    admin = await api_keys.get("admin")
    body = await gql(
        "mutation($n: String!, $note: String) { createParty(input: {name: $n, category: SMALL_SUPPLIER, "
        "note: $note}) { party { name } errors { code field message } } }",
        {"n": "N" * 500, "note": "n" * 10_000},
        key=admin,
    )
    assert body["data"]["createParty"]["errors"] == []
    body = await gql(
        "mutation($n: String!) { createParty(input: {name: $n, category: SMALL_SUPPLIER}) { "
        "errors { code field message } } }",
        {"n": "N" * 501},
        key=admin,
    )
    assert body["data"]["createParty"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "name", "message": "name is 501 characters long; the limit is 500"}
    ]


async def test_upload_report_text_inputs_are_bounded(client, api_keys):
    dcc = await api_keys.get("dcc")
    document = """mutation($rt: String!, $p: String!, $file: Upload!) { uploadReport(reportType: $rt, period: $p,
        file: $file) { submission { id } errors { code message field } } }"""
    for variables, target in [
        ({"rt": "X" * HUGE, "p": "2018-05"}, "reportType"),
        ({"rt": "CSR_VARIANCE", "p": "2" * HUGE}, "period"),
    ]:
        r = await client.post(
            "/graphql",
            headers={"Authorization": f"Bearer {dcc}", "X-Secgov-Upload": "1"},
            data={
                "operations": json.dumps({"query": document, "variables": {**variables, "file": None}}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("r.csv", csv_bytes(CSR, "S1,1,1"))},
        )
        errors = r.json()["data"]["uploadReport"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", target)], errors
    # A file name (multipart or ?filename=) is text too.
    r = await client.post(
        "/graphql",
        headers={"Authorization": f"Bearer {dcc}", "X-Secgov-Upload": "1"},
        data={
            "operations": json.dumps(
                {"query": document, "variables": {"rt": "CSR_VARIANCE", "p": "2018-05", "file": None}}
            ),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("f" * 300 + ".csv", csv_bytes(CSR, "S1,1,1"))},
    )
    assert [(e["code"], e["field"]) for e in r.json()["data"]["uploadReport"]["errors"]] == [
        ("INVALID_INPUT", "filename")
    ]
    r = await upload(client, dcc, "CSR_VARIANCE", "2018-05", csv_bytes(CSR, "S1,1,1"), filename="f" * 300)
    assert r.status_code == 400 and r.json()["error"]["code"] == "INVALID_INPUT" and "255" in r.text, r.text


async def test_aliased_refusals_with_a_900_kib_variable_leave_small_audit_rows(client, api_keys, pool):
    """30 aliased mutations naming a 900 KiB id (under the 1 MiB body cap), as a dcc key: 30 refusals, 30 audit rows
    of a few hundred bytes (not 30 copies of the variable)."""
    dcc = await api_keys.get("dcc")
    big = "x" * (900 * 1024)
    document = (
        "mutation($id: ID!, $c: String) { "
        + " ".join(
            f"r{i}: reviewException(id: $id, action: COMMENT, comment: $c) {{ errors {{ code field }} }}"
            for i in range(30)
        )
        + " }"
    )
    r = await client.post(
        "/graphql",
        json={"query": document, "variables": {"id": big, "c": "noted"}},
        headers={"Authorization": f"Bearer {dcc}"},
    )
    assert r.status_code == 200, r.text[:300]
    data = r.json()["data"]
    assert {(e["code"], e["field"]) for d in data.values() for e in d["errors"]} == {("INVALID_INPUT", "id")}
    async with pool.acquire() as conn:
        sizes = [row["size"] for row in await conn.fetch("SELECT pg_column_size(a.*) AS size FROM audit_log a")]
    assert len(sizes) == 30 and max(sizes) < 1024, sizes[:3]


async def test_a_huge_operation_name_is_not_stored_whole(client, api_keys, pool):
    admin = await api_keys.get("admin")
    name = "N" * 90_000
    r = await client.post(
        "/graphql",
        json={
            "query": f'mutation {name} {{ amendCalendar(day: "2030-01-02", working: false, reason: "r") {{ '
            "errors { code } } }"
        },
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert r.status_code == 200 and r.json()["data"]["amendCalendar"]["errors"] == [], r.text[:300]
    async with pool.acquire() as conn:
        stored = await conn.fetchval("SELECT operation_name FROM audit_log")
    assert stored.startswith("NNN") and len(stored) <= 200
