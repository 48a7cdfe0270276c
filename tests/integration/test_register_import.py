"""Loading the register from a file: every bad row named with its column and reason, nothing stored on any error,
the same file twice the same as once, the opening balance reconciling month-end totals; through the importRegister
mutation (checked in a child process: the API process never loads polars) and through `secgov register import`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

IMPORT = """mutation($file: Upload!, $balance: Upload, $dry: Boolean) {
  importRegister(file: $file, openingBalance: $balance, dryRun: $dry) {
    parties events votingGroups errors { code message field row column } } }"""

REGISTER = b"""name,category,accession_date,voting_group,user_roles,uep_date,default_date,cured_date,withdrawal_date,expulsion_date,note
Boltland Energy Limited,SMALL_SUPPLIER,2016-01-01,,IMPORT_SUPPLIER:PBE001,2017-03-01,,,2018-07-27,,Withdrew on the revocation of its licence
Iresa Limited,Small_Supplier,2016-01-01,,,,2018-07-25,,,2018-08-31,Expelled following revocation of its licences
Good Energy Limited,SMALL_SUPPLIER,2016-01-01,Good Energy,IMPORT_SUPPLIER:PGE001;EXPORT_SUPPLIER:PGE002,2018-07-31,,,,,
Good Energy Gas Limited,SMALL_SUPPLIER,2016-01-01,Good Energy,GAS_SUPPLIER:PGE003,2018-07-31,,,,,
Elster Metering Limited,OTHER_SEC_PARTY,2019-02-14,,,,,,,,
"""
BALANCE = b"""as_of,category,parties,voting_groups,source
2018-07-31,LARGE_SUPPLIER,30,12,Operations Report July 2018
2018-07-31,SMALL_SUPPLIER,150,116,Operations Report July 2018
2018-07-31,ELECTRICITY_NETWORK,20,17,Operations Report July 2018
2018-07-31,GAS_NETWORK,15,13,Operations Report July 2018
2018-07-31,OTHER_SEC_PARTY,95,85,Operations Report July 2018
"""
BAD = b"""name,category,accession_date,user_roles,uep_date,withdrawal_date
Alpha Energy,SMALL_SUPPLIER,2016-01-01,,,
Beta Energy,GIANT,2016-01-01,,,
Gamma Energy,SMALL_SUPPLIER,2016-13-01,,,
Delta Energy,SMALL_SUPPLIER,2016-01-01,HEAT_SUPPLIER:X1,2017-01-01,
Epsilon Energy,SMALL_SUPPLIER,2016-01-01,,,2015-12-31
Alpha Energy,SMALL_SUPPLIER,2016-01-01,,,
"""


async def load(
    client: httpx.AsyncClient, key: str | None, register: bytes, balance: bytes | None = None, dry: bool = False
) -> dict[str, Any]:
    files = {"0": ("register.csv", register, "text/csv")}
    mapping = {"0": ["variables.file"]}
    if balance is not None:
        files["1"] = ("balance.csv", balance, "text/csv")
        mapping["1"] = ["variables.balance"]
    r = await client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"file": None, "balance": None, "dry": dry}}),
            "map": json.dumps(mapping),
        },
        files=files,
        headers={"Authorization": f"Bearer {key}", "X-Secgov-Upload": "1"} if key else {"X-Secgov-Upload": "1"},
    )
    assert r.status_code == 200, r.text
    payload: dict[str, Any] = r.json()["data"]["importRegister"]
    return payload


async def snapshot(pool: Any) -> tuple[Any, ...]:
    async with pool.acquire() as conn:
        return tuple(
            [
                [tuple(r) for r in await conn.fetch(q)]
                for q in (
                    "SELECT id, name, initial_category, initial_voting_group_id, note FROM parties ORDER BY id",
                    "SELECT id, party_id, kind, occurred_on, user_role, user_id, note FROM party_events ORDER BY id",
                    "SELECT id, name, category FROM voting_groups ORDER BY id",
                    "SELECT as_of, category, parties, voting_groups, source FROM opening_balances ORDER BY category",
                )
            ]
        )


async def test_a_register_file_is_loaded_once_and_a_second_load_changes_nothing(client, api_keys, pool, gql):
    secas = await api_keys.get("secas")
    dry = await load(client, secas, REGISTER, BALANCE, dry=True)
    assert dry == {"parties": 5, "events": 12, "votingGroups": 4, "errors": []}
    assert await snapshot(pool) == ([], [], [], [])

    assert await load(client, secas, REGISTER, BALANCE) == {"parties": 5, "events": 12, "votingGroups": 4, "errors": []}
    stored = await snapshot(pool)
    assert [p[1] for p in stored[0]] == [
        "Boltland Energy Limited",
        "Iresa Limited",
        "Good Energy Limited",
        "Good Energy Gas Limited",
        "Elster Metering Limited",
    ]
    assert stored[0][2][3] == stored[0][3][3]  # the two Good Energy Parties share their Voting Group
    uep = [(e[4], e[5]) for e in stored[1] if e[2] == "UEP_COMPLETED"]
    assert uep == [
        ("IMPORT_SUPPLIER", "PBE001"),
        ("IMPORT_SUPPLIER", "PGE001"),
        ("EXPORT_SUPPLIER", "PGE002"),
        ("GAS_SUPPLIER", "PGE003"),
    ]

    again = await load(client, secas, REGISTER, BALANCE)
    assert again == {"parties": 0, "events": 0, "votingGroups": 0, "errors": []}
    assert await snapshot(pool) == stored

    # Month ends reconcile from the balance's month on: 310 Parties at July's end, Iresa expelled in August.
    r = await gql("""{ membershipStatistics(fromMonth: "2018-06", toMonth: "2018-08") {
        month partiesAtMonthEnd votingGroupsAtMonthEnd inDefault withdrawals expulsions complete } }""")
    assert r["data"]["membershipStatistics"] == [
        {
            "month": "2018-06",
            "partiesAtMonthEnd": 4,
            "votingGroupsAtMonthEnd": 3,
            "inDefault": 0,
            "withdrawals": 0,
            "expulsions": 0,
            "complete": False,
        },
        {
            "month": "2018-07",
            "partiesAtMonthEnd": 310,
            "votingGroupsAtMonthEnd": 243,
            "inDefault": 1,
            "withdrawals": 1,
            "expulsions": 0,
            "complete": True,
        },
        {
            "month": "2018-08",
            "partiesAtMonthEnd": 309,
            "votingGroupsAtMonthEnd": 242,
            "inDefault": 0,
            "withdrawals": 0,
            "expulsions": 1,
            "complete": True,
        },
    ]


async def test_every_bad_row_is_named_with_its_column_and_nothing_is_stored(client, api_keys, pool):
    secas = await api_keys.get("secas")
    payload = await load(client, secas, BAD)
    assert payload["parties"] is None
    got = [(e["row"], e["column"], e["code"], e["field"]) for e in payload["errors"]]
    assert got == [
        (2, "category", "INVALID_INPUT", "file"),
        (3, "accession_date", "INVALID_INPUT", "file"),
        (4, "user_roles", "INVALID_INPUT", "file"),
        (5, "withdrawal_date", "INVALID_INPUT", "file"),
        (6, "name", "INVALID_INPUT", "file"),
    ]
    messages = [e["message"] for e in payload["errors"]]
    assert "GIANT" in messages[0] and "row 2" in messages[0]
    assert "HEAT_SUPPLIER" in messages[2]
    assert "repeats row 1" in messages[4]
    assert await snapshot(pool) == ([], [], [], [])


async def test_a_row_contradicting_the_register_refuses_the_whole_file(client, api_keys, pool):
    secas = await api_keys.get("secas")
    assert (await load(client, secas, REGISTER))["errors"] == []
    before = await snapshot(pool)
    changed = (
        REGISTER.replace(b"2018-08-31", b"2018-09-30") + b"Zythos Energy Limited,SMALL_SUPPLIER,2019-02-14,,,,,,,,\n"
    )
    payload = await load(client, secas, changed)
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [(2, "events")]
    assert "Iresa Limited" in payload["errors"][0]["message"]
    assert await snapshot(pool) == before  # Zythos, a good row, is not stored either


async def test_only_secas_and_admin_may_load_the_register(client, api_keys, pool):
    for role, code in [("public", "UNAUTHENTICATED"), ("opsg", "FORBIDDEN"), ("dcc", "FORBIDDEN")]:
        payload = await load(client, await api_keys.get(role), REGISTER)
        assert [e["code"] for e in payload["errors"]] == [code]
    assert (await load(client, await api_keys.get("admin"), REGISTER))["parties"] == 5


def cli(*args: str, dsn: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": dsn, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "register", "import", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


async def test_the_command_loads_the_same_file_once_and_names_bad_rows(dsn, pool, tmp_path):
    good, balance, bad = tmp_path / "register.csv", tmp_path / "balance.csv", tmp_path / "bad.csv"
    good.write_bytes(REGISTER)
    balance.write_bytes(BALANCE)
    bad.write_bytes(BAD)
    r = cli(str(bad), dsn=dsn)
    assert r.returncode == 1
    assert "bad.csv: row 2 [category]" in r.stdout and "nothing stored" in r.stderr
    assert await snapshot(pool) == ([], [], [], [])

    r = cli(str(good), "--opening-balance", str(balance), dsn=dsn)
    assert r.returncode == 0, r.stderr
    assert "added 5 Parties, 12 events, 4 Voting Groups, 5 opening balance rows" in r.stdout
    assert "checked register.csv: 5 rows, 0 refused" in r.stderr  # the progress lines
    stored = await snapshot(pool)
    r = cli(str(good), "--opening-balance", str(balance), dsn=dsn)
    assert r.returncode == 0 and "added 0 Parties" in r.stdout and "5 already recorded, unchanged" in r.stdout
    assert await snapshot(pool) == stored


def test_the_api_process_never_loads_polars_or_pandera_to_check_a_register() -> None:
    """The mutation's checker runs the file through a child process; the API's modules import neither library."""
    probe = (
        "import sys, asyncio\n"
        "import api.app, api.register_check, schema.register.imports\n"
        "checked = asyncio.run(api.register_check.check_in_child('register', sys.stdin.buffer.read()))\n"
        "assert [p.name for p in checked.parties][:1] == ['Boltland Energy Limited'], checked\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('polars', 'pandera')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    r = subprocess.run([sys.executable, "-c", probe], input=REGISTER, capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout.decode().strip() == "[]"


def xlsx(rows: list[list[object]]) -> bytes:
    import io
    from datetime import date as day_type
    from datetime import datetime

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet, iso = book.add_worksheet(), book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, day_type):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), iso)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


async def test_an_xlsx_register_with_date_cells_loads_and_names_each_fault_of_a_row(client, api_keys, pool):
    from datetime import date as day

    secas = await api_keys.get("secas")
    header = ["name", "category", "accession_date", "voting_group", "user_roles", "uep_date"]
    bad = xlsx([header, ["Alpha Energy", "GIANT", day(2016, 1, 1), None, "HEAT:1", day(2017, 1, 1)]])
    payload = await load(client, secas, bad)
    assert [(e["row"], e["column"]) for e in payload["errors"]] == [(1, "category"), (1, "user_roles")]
    good = xlsx(
        [
            header,
            ["Alpha Energy", "SMALL_SUPPLIER", day(2016, 1, 1), "Alpha Group", "GAS_SUPPLIER:PAE001", day(2017, 1, 1)],
            ["Alpha Energy Gas", "small_supplier", "2016-02-01", "Alpha Group", None, None],
        ]
    )
    assert await load(client, secas, good) == {"parties": 2, "events": 3, "votingGroups": 1, "errors": []}
    assert await load(client, secas, good) == {"parties": 0, "events": 0, "votingGroups": 0, "errors": []}
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(DISTINCT initial_voting_group_id) FROM parties") == 1
