"""operationsReport and its downloads from the demo register: the July 2018 and January 2019 papers' named Parties in
the same sections; the Amber appendices only for those who may see Amber; the Word file's tables read back."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document

from api import demo_data
from sql import parties

REPORT = """query($month: String!, $item: Int) { operationsReport(month: $month, item: $item) {
  month title reference action classification recommendations attachments since
  panelMeeting { reference } previousPanelMeeting { reference }
  applicants { name category party { name status } }
  withdrawals { name category occurredOn note } defaults { name occurredOn } remainedInDefault
  marketExits { name occurredOn }
  uepCompletions { name category completedOn rolesText roles { role userId } }
  testing { srept uept { parties roles } sreptNotifications ueptParties ueptRoles
    appendices { caption classification header rows } }
  membership { month accessions inDefault withdrawals expulsions complete }
  footnotes partiesAtMonthEnd votingGroupsAtMonthEnd votingGroupsByCategory { category count } monthEndText
  sections { number title blocks { kind text items table { caption rows } bars { category count } } }
  markdown } }"""


@pytest.fixture
async def demo(pool) -> None:
    async with pool.acquire() as conn:
        await demo_data.load(conn)


async def report(gql, month: str, key: str | None = None, item: int | None = None) -> dict[str, Any]:
    r = await gql(REPORT, {"month": month, "item": item}, key=key)
    result: dict[str, Any] = r["data"]["operationsReport"]
    return result


async def test_july_2018_names_the_papers_parties_in_its_sections(demo, gql):
    r = await report(gql, "2018-07", item=21)
    assert (r["title"], r["reference"], r["action"], r["classification"]) == (
        "Operations Report – July 2018",
        "SECP_59_1008_21",
        "For Decision",
        "WHITE",
    )
    assert r["panelMeeting"] == {"reference": "SECP_59_1008"}
    assert r["previousPanelMeeting"] == {"reference": "SECP_58_1307"}
    assert r["recommendations"] == [
        "NOTE the contents of this paper.",
        "AGREE that Boltland Energy Limited shall cease to be a SEC Party, effective as of 27th July 2018.",
    ]
    assert r["attachments"] == ["Appendix A – Testing Update SREPT (Amber)", "Appendix B – Testing Update UEPT (Amber)"]
    assert [(w["name"], w["category"], w["occurredOn"]) for w in r["withdrawals"]] == [
        ("Boltland Energy Limited", "SMALL_SUPPLIER", "2018-07-27")
    ]
    assert [(d["name"], d["occurredOn"]) for d in r["defaults"]] == [("Iresa Limited", "2018-07-25")]
    assert r["marketExits"] == [] and r["applicants"] == []
    # Table 2: the paper's four rows, in its order.
    assert [(u["name"], u["rolesText"], u["completedOn"]) for u in r["uepCompletions"]] == [
        ("Good Energy Limited", "Import Supplier, Export Supplier", "2018-07-31"),
        ("Good Energy Gas Limited", "Gas Supplier", "2018-07-31"),
        ("ESB Energy Limited", "Import Supplier, Export Supplier, Gas Supplier", "2018-07-31"),
        ("Dual Energy Direct Limited", "Import Supplier, Export Supplier, Gas Supplier", "2018-07-13"),
    ]
    assert r["since"] == "2018-07-01"
    # Table 3: the 12 months to July 2018, Boltland's withdrawal and Iresa's default footnoted.
    assert [m["month"] for m in r["membership"]][::11] == ["2017-08", "2018-07"]
    july = r["membership"][-1]
    assert (july["inDefault"], july["withdrawals"]) == (1, 1)
    assert any(f.startswith("Boltland Energy Limited withdrew from the SEC on 27th July 2018.") for f in r["footnotes"])
    assert any(f.startswith("Wingas UK Limited withdrew") for f in r["footnotes"])
    assert r["monthEndText"].startswith(
        f"At the end of the reporting month, there were {r['partiesAtMonthEnd']} Parties to the SEC representing"
    )
    assert [s["number"] for s in r["sections"]] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    figure = r["sections"][-1]["blocks"][-1]
    assert figure["kind"] == "figure" and figure["bars"] == r["votingGroupsByCategory"]
    md = r["markdown"]
    assert "AGREE that Boltland Energy Limited shall cease to be a SEC Party" in md
    assert (
        "| Dual Energy Direct Limited | Small Supplier | Import Supplier, Export Supplier, Gas Supplier | 13/07/2018 |"
        in md
    )


async def test_january_2019_names_the_applicants_table_2_and_the_market_exit(demo, gql):
    r = await report(gql, "2019-01")
    assert (r["reference"], r["action"]) == ("SECP_65_1502", "For Information")
    assert r["recommendations"] == ["NOTE the contents of this paper."]
    assert [(a["name"], a["category"]) for a in r["applicants"]] == [
        ("Zythos Energy Limited", "SMALL_SUPPLIER"),
        ("Perle Energy Limited", "SMALL_SUPPLIER"),
        ("Simcoe Energy Limited", "SMALL_SUPPLIER"),
        ("Tillicum Energy Limited", "SMALL_SUPPLIER"),
        ("Willamette Energy Limited", "SMALL_SUPPLIER"),
        ("Euston Energy Limited trading as Northumbria Energy", "SMALL_SUPPLIER"),
        ("Northern Powergrid Metering Limited", "OTHER_SEC_PARTY"),
        ("Electric Avenue Energy Ltd", "OTHER_SEC_PARTY"),
        ("Elster Metering Limited", "OTHER_SEC_PARTY"),
        ("SGN Smart Limited", "OTHER_SEC_PARTY"),
    ]
    assert r["applicants"][0]["party"] == {"name": "Zythos Energy Limited", "status": "APPLICANT"}
    assert [(u["name"], u["rolesText"], u["completedOn"]) for u in r["uepCompletions"]] == [
        ("Aprose Solutions Limited", "ASE001 Other User", "2019-01-24"),
        ("CNG Electricity Limited", "PNN004 Import Supplier", "2019-01-18"),
        ("Contract Natural Gas Limited", "PGK004 Gas Supplier", "2019-01-18"),
        ("Total Energy Gas Supplies Limited", "PMNO002 Gas Supplier", "2019-01-18"),
        ("Pozitive Energy Limited", "PBNO006 Export Supplier, Import Supplier, Gas Supplier", "2019-01-03"),
    ]
    assert [e["name"] for e in r["marketExits"]] == ["Economy Energy"]
    assert [d["name"] for d in r["defaults"]] == ["Economy Energy"]
    # Defaulted and expelled in January: an expulsion, not in default at the month's end.
    jan = r["membership"][-1]
    assert (jan["month"], jan["inDefault"], jan["expulsions"]) == ("2019-01", 0, 1)
    # Its footnote is the expulsion's: the default, ended within its month, is in no "in default" figure.
    assert [f for f in r["footnotes"] if "Economy Energy" in f] == [
        f for f in r["footnotes"] if f.startswith("Economy Energy was expelled from the SEC on 31st January 2019.")
    ]
    assert len([f for f in r["footnotes"] if "Economy Energy" in f]) == 1


async def add_testing(pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        party = await parties.create_party(conn, name="Testing Co", category="SMALL_SUPPLIER", voting_group_id=None)
        await parties.record_event(conn, party_id=party, kind="ACCESSION", occurred_on=date(2017, 1, 1))
        await parties.record_event(conn, party_id=party, kind="SREPT_COMPLETED", occurred_on=date(2018, 7, 20))
        for role, uid in [("IMPORT_SUPPLIER", "TST001"), ("GAS_SUPPLIER", "TST002")]:
            await parties.record_event(
                conn, party_id=party, kind="UEPT_COMPLETED", occurred_on=date(2018, 7, 24), user_role=role, user_id=uid
            )


@pytest.mark.parametrize(
    ("role", "bodies", "sees_amber"),
    [
        ("public", (), False),
        ("party", (), False),
        ("dcc", (), False),
        ("opsg", (), False),
        ("opsg", ("PANEL",), True),
        ("panel", (), True),
        ("secas", (), True),
        ("admin", (), True),
    ],
)
async def test_the_amber_appendices_go_only_to_those_who_may_see_amber(
    demo, pool, gql, api_keys, client, role, bodies, sees_amber
):
    await add_testing(pool)
    party = await pool.fetchval("SELECT id FROM parties ORDER BY id LIMIT 1") if role == "party" else None
    key = await api_keys.get(role, bodies=bodies, party_id=party)
    r = await report(gql, "2018-07", key=key)
    testing = r["testing"]
    assert (testing["sreptNotifications"], testing["ueptParties"], testing["ueptRoles"]) == (1, 1, 2)
    assert (testing["srept"], testing["uept"]) == (1, {"parties": 1, "roles": 2})
    assert "one notification of SREPT completion" in r["markdown"]
    assert "one SEC Party has successfully completed UEPT for a total of two User Roles" in r["markdown"]
    if sees_amber:
        assert [(a["caption"], a["classification"]) for a in testing["appendices"]] == [
            ("Appendix A – Testing Update SREPT (Amber)", "AMBER"),
            ("Appendix B – Testing Update UEPT (Amber)", "AMBER"),
        ]
        assert testing["appendices"][1]["rows"] == [
            ["Testing Co", "Import Supplier", "TST001", "24/07/2018"],
            ["Testing Co", "Gas Supplier", "TST002", "24/07/2018"],
        ]
    else:
        assert testing["appendices"] == []
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    got = await client.get("/api/v1/operations-report/2018-07.md", headers=headers)
    assert got.status_code == 200
    assert ("## Appendix B – Testing Update UEPT (Amber)" in got.text) == sees_amber
    assert ("TST002" in got.text) == sees_amber


async def test_the_word_file_opens_and_its_tables_read_back(demo, client):
    got = await client.get("/api/v1/operations-report/2019-01.docx?item=22")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="operations-report-2019-01.docx"'
    doc = Document(io.BytesIO(got.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Operations Report – January 2019" in text and "Paper Reference: SECP_65_1502_22" in text
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert tables[0][0] == ["Organisation", "Party Category"] and tables[0][1] == [
        "Zythos Energy Limited",
        "Small Supplier",
    ]
    assert len(tables[0]) == 11  # Table 1: the ten applicants
    assert tables[1][0] == ["SEC Party", "Party Category", "DCC User role(s)", "Date of UEP completion"]
    assert tables[1][5] == [
        "Pozitive Energy Limited",
        "Small Supplier",
        "PBNO006 Export Supplier, Import Supplier, Gas Supplier",
        "03/01/2019",
    ]
    table_3 = tables[2]
    assert table_3[0][1:] == [
        "Feb-18",
        "Mar-18",
        "Apr-18",
        "May-18",
        "Jun-18",
        "Jul-18",
        "Aug-18",
        "Sep-18",
        "Oct-18",
        "Nov-18",
        "Dec-18",
        "Jan-19",
    ]
    assert [row[0] for row in table_3[1:]] == ["Accessions", "In Default", "Withdrawals", "Expulsions"]
    assert table_3[4][-1].startswith("1 [")  # Economy Energy's expulsion, footnoted
    assert len(doc.tables) == 3  # no Amber appendices for the public
    assert len(doc.inline_shapes) == 1  # Figure 1
    assert "Figure 1: Breakdown of SEC Party Voting Groups" in text


async def test_the_html_download_and_a_refused_month(demo, client):
    got = await client.get("/api/v1/operations-report/2018-07.html")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert "<svg" in got.text and "Table 2: Parties that completed UEP since the last SEC Panel meeting" in got.text
    bad = await client.get("/api/v1/operations-report/2018-13.md")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "INVALID_PERIOD"
    bad = await client.get("/api/v1/operations-report/2018-07.pdf")
    assert bad.status_code == 400 and "md, html, docx" in bad.json()["error"]["message"]


async def test_months_and_items_out_of_range_are_refused_with_a_code(gql, client):
    for month in ("0001-01", "1900-12", "2018-7", "x"):
        r = await gql(REPORT, {"month": month}, expect_errors=True)
        assert r["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", r
    r = await gql(REPORT, {"month": "2018-07", "item": -1}, expect_errors=True)
    assert r["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "item" in r["errors"][0]["message"]
    for item in ("²", "1234", "-1"):
        got = await client.get(f"/api/v1/operations-report/2018-07.md?item={item}")
        assert got.status_code == 400 and got.json()["error"]["code"] == "INVALID_INPUT"
