"""Consistency checks for the demo data set api/demo/seed.json (pure: no database, no application imports)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

SEED_PATH = Path(__file__).resolve().parents[2] / "api" / "demo" / "seed.json"

# Enums of the public schema (docs/api.md), fixed for clients.
PARTY_CATEGORY = {"LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY", "DCC"}
PARTY_EVENT_KIND = {
    "APPLICATION",
    "ACCESSION",
    "UEP_COMPLETED",
    "SREPT_COMPLETED",
    "UEPT_COMPLETED",
    "DEFAULT_ENTERED",
    "DEFAULT_CURED",
    "WITHDRAWAL",
    "EXPULSION",
    "CATEGORY_CHANGE",
    "VOTING_GROUP_CHANGE",
}
DCC_USER_ROLE = {
    "IMPORT_SUPPLIER",
    "EXPORT_SUPPLIER",
    "GAS_SUPPLIER",
    "ELECTRICITY_DISTRIBUTOR",
    "GAS_TRANSPORTER",
    "REGISTERED_SUPPLIER_AGENT",
    "OTHER_USER",
}
MODIFICATION_PATH = {
    "PATH_1_AUTHORITY_LED",
    "PATH_2_AUTHORITY_DETERMINATION",
    "PATH_3_SELF_GOVERNANCE",
    "FAST_TRACK_SELF_GOVERNANCE",
    "URGENT",
}
MODIFICATION_STAGE = {
    "DRAFT_PROPOSAL",
    "DEVELOPMENT",
    "REFINEMENT",
    "REPORT_PHASE",
    "MODIFICATION_REPORT_CONSULTATION",
    "CHANGE_BOARD",
    "AUTHORITY_DETERMINATION",
    "APPROVED",
    "REJECTED",
    "IMPLEMENTED",
    "WITHDRAWN",
}
MODIFICATION_EVENT_KIND = {
    "RAISED",
    "CONVERTED",
    "STAGE_CHANGED",
    "WORKING_GROUP",
    "CONSULTATION",
    "PRELIMINARY_ASSESSMENT",
    "IMPACT_ASSESSMENT",
    "CHANGE_BOARD_VOTE",
    "PANEL_DECISION",
    "AUTHORITY_DECISION",
    "IMPLEMENTED",
    "WITHDRAWN",
    "SPLIT",
}
CLASSIFICATION = {"WHITE", "GREEN", "AMBER", "RED"}
DELIVERY = {"ON_TIME", "LATE", "MISSING", "NOT_YET_DUE", "NOT_DUE", "NO_DEADLINE"}
REPORT_TYPES = {"PMR", "SR_VARIANCE", "CSR_VARIANCE", "RDP_INCIDENT", "CH_RETURNS", "NEP", "PROBLEM_QUARTERLY"}
FIXED_BODIES = {
    "PANEL",
    "OPSG",
    "SSC",
    "SMKI_PMA",
    "TABASC",
    "TAG",
    "CHANGE_BOARD",
    "CHANGE_SUB_COMMITTEE",
    "SECCO_BOARD",
}
DECISION_OUTCOMES = {"NOTED", "AGREED", "APPROVED"}

OPENING_BALANCE_NOTE = "opening balance: accession date not stated in the source"
SEED_FILES = {
    "000_d9bb110f7a26c737.txt",
    "001_d752249f37f5656c.txt",
    "002_71db4ef85d467636.txt",
    "003_633161f13544cd1c.txt",
    "004_daea41f51407eadb.txt",
}
SOURCE_RE = re.compile(r"^(\d{3}_[0-9a-f]{16}\.txt) \S")
MODIFICATION_REF_RE = re.compile(r"^(SECMP\d{4}|DP\d{1,4}|MP\d{1,4}[A-Z]?)$")
# BODY_ddmm_yyyy when the meeting number is unknown, else BODY_number_ddmm (number may carry an 'x': extra meeting).
BUILT_MEETING_REF_RE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9_]*?)_(?P<ddmm>\d{4})_(?P<yyyy>(19|20)\d\d)$")
NUMBERED_MEETING_REF_RE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9_]*?)_(?P<num>\d+x?)_(?P<ddmm>\d{4})$")
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

EXIT_KINDS = {"WITHDRAWAL", "EXPULSION"}
ROLE_KINDS = {"UEP_COMPLETED", "UEPT_COMPLETED"}


@pytest.fixture(scope="module")
def seed() -> dict:
    with SEED_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _date(value: object) -> dt.date:
    assert isinstance(value, str), f"date must be an ISO string, got {value!r}"
    return dt.date.fromisoformat(value)


def _duplicates(values) -> list:
    return [v for v, n in Counter(values).items() if n > 1]


def _body_codes(seed: dict) -> set[str]:
    return {b["code"] for b in seed["bodies"]}


def _meeting_refs(seed: dict) -> set[str]:
    return {m["reference"] for m in seed["meetings"]}


def _all_items(seed: dict):
    """Every item that must carry a source, with a label for messages."""
    for section in ("bodies", "voting_groups", "meetings", "highlights", "actions", "dcc_reports", "opsg_tables"):
        for i, item in enumerate(seed[section]):
            yield f"{section}[{i}]", item
    for p in seed["parties"]:
        yield f"party {p['key']}", p
        for i, e in enumerate(p["events"]):
            yield f"party {p['key']} event {i}", e
    for m in seed["modifications"]:
        yield f"modification {m['reference']}", m
        for i, e in enumerate(m["events"]):
            yield f"modification {m['reference']} event {i}", e


def test_top_level_shape(seed: dict) -> None:
    for key in (
        "opening_balance_date",
        "bodies",
        "voting_groups",
        "parties",
        "meetings",
        "highlights",
        "actions",
        "modifications",
        "dcc_reports",
    ):
        assert key in seed, key
    assert seed["opening_balance_date"] == "2016-01-01"


def test_file_is_utf8_with_two_space_indent() -> None:
    raw = SEED_PATH.read_bytes().decode("utf-8")
    assert raw.startswith('{\n  "')


def test_every_item_has_a_source_naming_a_seed_paper(seed: dict) -> None:
    for label, item in _all_items(seed):
        src = item.get("source")
        assert isinstance(src, str) and src.strip(), f"{label}: missing source"
        m = SOURCE_RE.match(src)
        assert m and m.group(1) in SEED_FILES, f"{label}: source {src!r} does not start with a seed file name"


def test_bodies(seed: dict) -> None:
    codes = [b["code"] for b in seed["bodies"]]
    assert not _duplicates(codes)
    assert set(codes) >= FIXED_BODIES
    for b in seed["bodies"]:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", b["code"]), b["code"]
        assert b["name"].strip()
        if b["code"] not in FIXED_BODIES:
            assert b["code"].startswith("WG_"), f"unexpected body {b['code']}: only Working Groups are added"


def test_voting_groups(seed: dict) -> None:
    keys = [v["key"] for v in seed["voting_groups"]]
    assert not _duplicates(keys)
    for v in seed["voting_groups"]:
        assert v["category"] in PARTY_CATEGORY
        assert v["name"].strip()


def test_parties_enums_and_references(seed: dict) -> None:
    vg_keys = {v["key"]: v for v in seed["voting_groups"]}
    parties = seed["parties"]
    assert not _duplicates(p["key"] for p in parties), "party keys must be unique"
    assert not _duplicates(p["name"].casefold() for p in parties), "party names must be unique"
    for p in parties:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p["key"]), p["key"]
        assert p["name"].strip()
        assert p["category"] in PARTY_CATEGORY, (p["key"], p["category"])
        if p["voting_group"] is not None:
            assert p["voting_group"] in vg_keys, (p["key"], p["voting_group"])
            assert vg_keys[p["voting_group"]]["category"] == p["category"], p["key"]
        for e in p["events"]:
            assert e["kind"] in PARTY_EVENT_KIND, (p["key"], e["kind"])
            _date(e["occurred_on"])
            if e["user_role"] is not None:
                assert e["user_role"] in DCC_USER_ROLE, (p["key"], e["user_role"])
                assert e["kind"] in ROLE_KINDS, f"{p['key']}: user_role only on UEP/UEPT events"
            if e["user_id"] is not None:
                assert e["user_role"] is not None, f"{p['key']}: user_id without user_role"
                assert re.fullmatch(r"[A-Z0-9]+", e["user_id"]), e["user_id"]


def test_exactly_one_dcc(seed: dict) -> None:
    dcc = [p for p in seed["parties"] if p["category"] == "DCC"]
    assert len(dcc) == 1
    assert dcc[0]["name"] in {"DCC", "Smart DCC Ltd"}


def test_every_party_has_events_in_a_legal_lifecycle_order(seed: dict) -> None:
    for p in seed["parties"]:
        events = p["events"]
        assert events, f"{p['key']} has no events"
        dates = [_date(e["occurred_on"]) for e in events]
        assert dates == sorted(dates), f"{p['key']}: events out of date order"
        acceded = exited = in_default = False
        for e in events:
            kind = e["kind"]
            assert not exited, f"{p['key']}: {kind} after withdrawal/expulsion"
            if kind == "APPLICATION":
                assert not acceded, f"{p['key']}: APPLICATION after ACCESSION"
            elif kind == "ACCESSION":
                assert not acceded, f"{p['key']}: second ACCESSION"
                acceded = True
            else:
                assert acceded, f"{p['key']}: {kind} before ACCESSION"
            if kind == "DEFAULT_ENTERED":
                assert not in_default, f"{p['key']}: DEFAULT_ENTERED while in default"
                in_default = True
            elif kind == "DEFAULT_CURED":
                assert in_default, f"{p['key']}: DEFAULT_CURED without a default"
                in_default = False
            elif kind in EXIT_KINDS:
                exited = True
            if kind in ROLE_KINDS:
                assert e["user_role"] in DCC_USER_ROLE, f"{p['key']}: {kind} without a user_role"


def test_uep_roles_not_repeated(seed: dict) -> None:
    for p in seed["parties"]:
        roles = [e["user_role"] for e in p["events"] if e["kind"] == "UEP_COMPLETED"]
        assert not _duplicates(roles), p["key"]


def test_opening_balance_accessions(seed: dict) -> None:
    ob = seed["opening_balance_date"]
    for p in seed["parties"]:
        for e in p["events"]:
            if e["kind"] == "ACCESSION" and e["occurred_on"] == ob:
                assert e["note"] == OPENING_BALANCE_NOTE, p["key"]
            if e["note"] == OPENING_BALANCE_NOTE:
                assert e["kind"] == "ACCESSION" and e["occurred_on"] == ob, p["key"]


def test_known_facts(seed: dict) -> None:
    parties = {p["key"]: p for p in seed["parties"]}
    boltland = parties["boltland-energy"]
    assert boltland["category"] == "SMALL_SUPPLIER"
    assert [(e["kind"], e["occurred_on"]) for e in boltland["events"] if e["kind"] == "WITHDRAWAL"] == [
        ("WITHDRAWAL", "2018-07-27")
    ]
    uep_ids = {e["user_id"] for p in seed["parties"] for e in p["events"] if e["kind"] == "UEP_COMPLETED"}
    assert {"ASE001", "PNN004", "PMNO002"} <= uep_ids


def test_meetings(seed: dict) -> None:
    bodies = _body_codes(seed)
    refs = [m["reference"] for m in seed["meetings"]]
    assert not _duplicates(refs), "meeting references must be unique"
    for m in seed["meetings"]:
        ref = m["reference"]
        assert ref, "every meeting needs a reference"
        assert m["body"] in bodies, (ref, m["body"])
        assert m["classification"] in CLASSIFICATION, ref
        held = _date(m["held_on"])
        built = BUILT_MEETING_REF_RE.match(ref)
        match = built or NUMBERED_MEETING_REF_RE.match(ref)
        assert match, f"meeting reference {ref!r} has an unexpected shape"
        assert match.group("ddmm") == held.strftime("%d%m"), f"{ref}: date in the reference differs from held_on {held}"
        if built:
            assert int(built.group("yyyy")) == held.year, ref
            assert built.group("prefix") == m["body"], f"{ref}: a built reference starts with the body code"
            assert m.get("note"), f"{ref}: a built reference needs a note saying so"
        else:
            prefix = match.group("prefix")
            assert prefix == m["body"] or (m["body"] == "PANEL" and prefix == "SECP"), ref


def test_highlights(seed: dict) -> None:
    bodies = _body_codes(seed)
    meetings = {m["reference"]: m for m in seed["meetings"]}
    seen = set()
    for h in seed["highlights"]:
        assert h["body"] in bodies, h["title"]
        assert h["title"].strip() and h["body_text"].strip()
        assert h["classification"] in CLASSIFICATION
        published = _date(h["published_on"])
        if h["meeting"] is not None:
            assert h["meeting"] in meetings, (h["title"], h["meeting"])
            meeting = meetings[h["meeting"]]
            assert meeting["body"] == h["body"], h["title"]
            assert _date(meeting["held_on"]) <= published, h["title"]
        key = (h["body"], h["meeting"], h["title"])
        assert key not in seen, f"duplicate highlight {key}"
        seen.add(key)


def test_actions(seed: dict) -> None:
    meetings = _meeting_refs(seed)
    refs = [a["reference"] for a in seed["actions"]]
    assert not _duplicates(refs), "action references must be unique"
    for a in seed["actions"]:
        ref = a["reference"]
        assert re.fullmatch(r"SECP\d+/D?\d{2}", ref), ref
        assert a["kind"] in {"ACTION", "DECISION"}, ref
        assert a["status"] in {"OPEN", "CLOSED"}, ref
        assert a["classification"] in CLASSIFICATION, ref
        assert a["text"].strip(), ref
        assert a["meeting"] in meetings, (ref, a["meeting"])
        number = ref.removeprefix("SECP").split("/")[0]
        assert a["meeting"].startswith(f"SECP_{number}_"), f"{ref} belongs to another meeting than {a['meeting']}"
        if a["kind"] == "DECISION":
            assert "/D" in ref, ref
            assert a["outcome"] in DECISION_OUTCOMES, ref
            assert a["outcome"] in a["text"], f"{ref}: the text should state the outcome"
            assert a["status"] == "CLOSED", ref
        else:
            assert "/D" not in ref, ref
            assert a["outcome"] is None, ref


def test_modifications(seed: dict) -> None:
    bodies = _body_codes(seed)
    all_refs = []
    for m in seed["modifications"]:
        ref = m["reference"]
        all_refs.append(ref)
        all_refs.extend(m["former_references"])
        assert MODIFICATION_REF_RE.match(ref), ref
        for former in m["former_references"]:
            assert MODIFICATION_REF_RE.match(former), (ref, former)
        assert isinstance(m["title"], str) and m["title"].strip(), ref
        assert m["path"] is None or m["path"] in MODIFICATION_PATH, (ref, m["path"])
        assert m["stage"] is None or m["stage"] in MODIFICATION_STAGE, (ref, m["stage"])
        for field in ("raised_on", "implemented_on"):
            if m[field] is not None:
                _date(m[field])
        if m["working_group"] is not None:
            assert m["working_group"] in bodies, (ref, m["working_group"])
        for cat in m["parties_impacted"]:
            assert cat in PARTY_CATEGORY, (ref, cat)
        assert all(isinstance(s, str) and s for s in m["sec_sections"]), ref
        dates = []
        for e in m["events"]:
            assert e["kind"] in MODIFICATION_EVENT_KIND, (ref, e["kind"])
            dates.append(_date(e["occurred_on"]))
            assert e["stage"] is None or e["stage"] in MODIFICATION_STAGE, (ref, e["stage"])
            assert e["body"] is None or e["body"] in bodies, (ref, e["body"])
            if e["kind"] == "CHANGE_BOARD_VOTE":
                assert e["body"] == "CHANGE_BOARD" and e["outcome"], ref
        assert dates == sorted(dates), f"{ref}: events out of date order"
    assert not _duplicates(all_refs), "modification references (current and former) must be unique"


def test_change_board_july_2018(seed: dict) -> None:
    mods = {m["reference"]: m for m in seed["modifications"]}
    for ref in ("SECMP0019", "SECMP0044", "SECMP0048"):
        votes = [e for e in mods[ref]["events"] if e["kind"] == "CHANGE_BOARD_VOTE"]
        assert [(v["occurred_on"], v["outcome"]) for v in votes] == [("2018-07-25", "APPROVED")], ref
        assert mods[ref]["stage"] == "APPROVED"


def test_dcc_reports(seed: dict) -> None:
    meetings = _meeting_refs(seed)
    keys = [(r["report_type"], r["period"]) for r in seed["dcc_reports"]]
    assert not _duplicates(keys)
    for r in seed["dcc_reports"]:
        assert r["report_type"] in REPORT_TYPES, r["report_type"]
        assert PERIOD_RE.match(r["period"]), r["period"]
        assert r["delivery"] in DELIVERY, r["delivery"]
        if r["received_on"] is not None:
            _date(r["received_on"])
        if r.get("meeting") is not None:
            assert r["meeting"] in meetings, r["meeting"]
        assert isinstance(r["figures"], dict)
        assert all(isinstance(v, int) and v >= 0 for v in r["figures"].values())
        if "variance" in r["figures"]:
            assert r["figures"]["actual"] - r["figures"]["forecast"] == r["figures"]["variance"]
    by_key = {(r["report_type"], r["period"]): r for r in seed["dcc_reports"]}
    csr = by_key[("CSR_VARIANCE", "2018-05")]
    assert (csr["figures"]["actual"], csr["figures"]["forecast"], csr["delivery"]) == (873383, 553814, "ON_TIME")
    assert by_key[("SR_VARIANCE", "2018-04")]["delivery"] == "LATE"
    assert by_key[("SR_VARIANCE", "2018-05")]["figures"] == {
        "actual": 208851,
        "forecast": 583151,
        "printed_percent_of_forecast": 36,
    }


def test_opsg_tables(seed: dict) -> None:
    meetings = _meeting_refs(seed)
    reports = {(r["report_type"], r["period"]) for r in seed["dcc_reports"]}
    for t in seed.get("opsg_tables", []):
        assert t["meeting"] in meetings
        assert PERIOD_RE.match(t["month"])
        for row in t["rows"]:
            assert row["report_type"] in REPORT_TYPES
            assert row["delivery"] in DELIVERY
            if row["period"] is None:
                assert row["delivery"] == "NOT_DUE"
            else:
                assert (row["report_type"], row["period"]) in reports


def test_all_dates_parse(seed: dict) -> None:
    """Any key ending in _on or _date anywhere in the file is an ISO date (or null)."""

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if (k.endswith("_on") or k.endswith("_date")) and v is not None:
                    try:
                        _date(v)
                    except (AssertionError, ValueError) as exc:  # pragma: no cover - message only
                        raise AssertionError(f"{path}.{k}: {v!r} is not an ISO date") from exc
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(seed, "$")
