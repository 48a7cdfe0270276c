"""Section 1 of the Operations Report as the papers word it, built from what the register says for the month.

The report is a list of sections, each a list of blocks (paragraphs, bullet lists, tables, a figure), so that the
Markdown, HTML and Word renderers and the console show the same words in the same order.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import groupby

from domain.operations.model import OperationsReport, PartyEvent, ReportInput, UepCompletion
from domain.operations.sections import APPENDIX_A, APPENDIX_B, sections
from domain.operations.words import (
    month_name,
    ordinal_day,
    plural,
    sentence,
)


def _kind(events: tuple[PartyEvent, ...], kind: str) -> tuple[PartyEvent, ...]:
    return tuple(e for e in events if e.kind == kind)


def uep_rows(events: tuple[PartyEvent, ...]) -> tuple[UepCompletion, ...]:
    """Table 2: a row per Party and day, newest first, as the papers list them."""
    completed = sorted(_kind(events, "UEP_COMPLETED"), key=lambda e: (e.occurred_on, e.party_id))
    rows = [
        UepCompletion(pid, grp[0].name, grp[0].category, day, tuple((e.user_role or "", e.user_id) for e in grp))
        for (day, pid), g in groupby(completed, key=lambda e: (e.occurred_on, e.party_id))
        for grp in [list(g)]
    ]
    first_seen = {id(r): i for i, r in enumerate(rows)}
    return tuple(sorted(rows, key=lambda r: (-r.completed_on.toordinal(), first_seen[id(r)])))


def _footnotes(data: ReportInput) -> tuple[tuple[str, ...], dict[tuple[str, str], int]]:
    """Table 3's footnotes: one per cell with withdrawals, defaults or expulsions, naming the Parties behind it."""
    rows = {"WITHDRAWAL": "Withdrawals", "DEFAULT_ENTERED": "In Default", "EXPULSION": "Expulsions"}
    words = {"WITHDRAWAL": "withdrew from the SEC", "DEFAULT_ENTERED": "entered an Event of Default",
             "EXPULSION": "was expelled from the SEC"}  # fmt: skip
    notes: list[str] = []
    marks: dict[tuple[str, str], int] = {}
    # A default that ends within its own month (cured, or the Party leaves) is in no month's "in default" figure,
    # so it gets no footnote there (an expulsion that ended it has its own).
    ended = {
        (e.party_id, e.occurred_on.isoformat()[:7]): e.occurred_on
        for e in data.year_events
        if e.kind in ("DEFAULT_CURED", "WITHDRAWAL", "EXPULSION")
    }
    counted = [
        e
        for e in data.year_events
        if e.kind in rows
        and not (e.kind == "DEFAULT_ENTERED" and ended.get((e.party_id, e.occurred_on.isoformat()[:7]), date.min)
                 >= e.occurred_on)
    ]  # fmt: skip
    cells = sorted(counted, key=lambda e: (e.occurred_on.isoformat()[:7], list(rows).index(e.kind)))
    for (month, kind), g in groupby(cells, key=lambda e: (e.occurred_on.isoformat()[:7], e.kind)):
        parts = [f"{e.name} {words[kind]} on {ordinal_day(e.occurred_on)}. {sentence(e.note)}".strip() for e in g]
        notes.append(" ".join(parts))
        marks[(rows[kind], month)] = len(notes)
    return tuple(notes), marks


def _framing(data: ReportInput, withdrawals: tuple[PartyEvent, ...]) -> tuple[str, str | None, tuple[str, ...]]:
    agree = tuple(
        f"AGREE that {e.name} shall cease to be a SEC Party, effective as of {ordinal_day(e.occurred_on)}."
        for e in withdrawals
    )
    reference = None
    if data.panel_meeting is not None:
        reference = data.panel_meeting.reference + (f"_{data.item}" if data.item is not None else "")
    return ("For Decision" if agree else "For Information"), reference, ("NOTE the contents of this paper.", *agree)


def build(data: ReportInput) -> OperationsReport:
    """The month's section 1, every sentence from the register's events."""
    withdrawals = _kind(data.month_events, "WITHDRAWAL")
    defaults = _kind(data.month_events, "DEFAULT_ENTERED")
    exits = _kind(data.month_events, "EXPULSION")
    at_end = {a.party_id for a in data.in_default_at_end}
    remained = len(data.in_default_before & at_end)
    action, reference, recommendations = _framing(data, withdrawals)
    purpose = [
        "The Operations Report is a monthly update based on SECAS activities in support of the SEC. It provides "
        f"commentary related to the activities undertaken by the SECAS team in {month_name(data.month)}."
    ]
    if withdrawals:
        purpose.append(
            f"This paper also provides notice of {plural(len(withdrawals), 'Party’s intention', 'Parties’ intentions')}"
            " to voluntarily cease to be a SEC Party which requires agreement by the Panel."
        )
    footnotes, marks = _footnotes(data)
    month_end = next((m for m in data.membership if m.month == data.month), None)
    month_end_text = ""
    if month_end is not None:
        month_end_text = (
            f"At the end of the reporting month, there were {month_end.parties:,} Parties to the SEC representing "
            f"{month_end.voting_groups:,} Voting Groups, plus the DCC."
        )
        if not month_end.complete:
            month_end_text += " (The month ends before the register’s opening balance: only the Parties it records.)"
    report = OperationsReport(
        month=data.month,
        title=f"Operations Report – {month_name(data.month)}",
        reference=reference,
        action=action,
        purpose=tuple(purpose),
        recommendations=recommendations,
        attachments=(APPENDIX_A, APPENDIX_B),
        applicants=data.applicants,
        withdrawals=withdrawals,
        defaults=defaults,
        remained_in_default=remained,
        market_exits=exits,
        uep_completions=uep_rows(data.window_events),
        srept=_kind(data.window_events, "SREPT_COMPLETED"),
        uept=_kind(data.window_events, "UEPT_COMPLETED"),
        show_amber=data.show_amber,
        membership=data.membership,
        footnotes=footnotes,
        marks=marks,
        month_end=month_end,
        month_end_text=month_end_text,
    )
    return replace(report, sections=sections(report))


def months_to(month: str, count: int = 12) -> tuple[date, date]:
    """The first day of the month `count - 1` months before `month`, and the last day of `month`."""
    year, m = (int(x) for x in month.split("-"))
    first = date(year, m, 1)
    start_index = year * 12 + m - 1 - (count - 1)
    start = date(start_index // 12, start_index % 12 + 1, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, last
