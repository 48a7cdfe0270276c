"""The words of each part of section 1 (1.1 to 1.5), from the report's facts, in the papers' phrasing."""

from __future__ import annotations

from domain.operations.model import Bar, Block, MonthFigures, OperationsReport, PartyEvent, Section, Table
from domain.operations.words import (
    CATEGORY,
    CATEGORY_PLURAL,
    month_column,
    ordinal_day,
    plural,
    sentence,
    short_day,
)
from domain.operations.words import (
    ROLE as ROLE_NAMES,
)

CLASSIFICATION_TEXT = (
    "This document is classified as White in accordance with the Panel Information Policy. Information can be "
    "shared with the public, and any members may publish the information, subject to copyright."
)
APPENDIX_A = "Appendix A – Testing Update SREPT (Amber)"
APPENDIX_B = "Appendix B – Testing Update UEPT (Amber)"
M8_10 = (
    "Under SEC Section M8.10, a Party that does not hold an Energy Licence may give notice to the Panel of its "
    "intention to voluntarily cease to be a Party to the SEC. The Panel shall, following receipt of such a notice, "
    "resolve that the Party shall cease to be a Party with effect from the time on the date notified."
)
UEP_INTRO = (
    "In order to access DCC services, eligible Users must fulfil a list of requirements that are detailed in SEC "
    "Section H1: User Entry Process. Once the requirements have been fulfilled, a Party must send evidence of the "
    "completion of these activities to SECAS."
)


def table_three(report: OperationsReport) -> Table:
    """Table 3 with its footnote marks: [n] after a figure the footnote n explains."""

    def cell(row: str, m: MonthFigures, value: int) -> str:
        mark = report.marks.get((row, m.month))
        return f"{value} [{mark}]" if mark else str(value)

    rows = tuple(
        (row, *(cell(row, m, getattr(m, attr)) for m in report.membership))
        for row, attr in (("Accessions", "accessions"), ("In Default", "in_default"),
                          ("Withdrawals", "withdrawals"), ("Expulsions", "expulsions"))
    )  # fmt: skip
    return Table("Table 3: SEC Party Statistics", ("", *(month_column(m.month) for m in report.membership)), rows)


def figure_one(report: OperationsReport) -> tuple[Bar, ...]:
    counts = report.month_end.by_category if report.month_end else {}
    return tuple(Bar(label, counts.get(code, 0)) for code, label in CATEGORY_PLURAL.items())


def _p(text: str) -> Block:
    return Block("p", text=text)


def _withdrawal(e: PartyEvent) -> tuple[Block, ...]:
    return (
        _p(
            f"{e.name}, a SEC {CATEGORY.get(e.category, e.category)} Party, ceases to be a SEC Party with effect from "
            f"{ordinal_day(e.occurred_on)}. {sentence(e.note)}".strip()
        ),
        _p(M8_10),
        _p(
            f"SECAS requests the Panel to resolve that {e.name} shall cease to be a SEC Party as of "
            f"{ordinal_day(e.occurred_on)}."
        ),
    )


def _accessions(r: OperationsReport) -> Section:
    blocks: list[Block] = []
    if r.applicants:
        blocks.append(
            _p(
                "The following Applicants are to be admitted as Parties to the SEC, subject to the execution of an "
                "Accession Agreement by the SECCo Board:"
            )
        )
        rows = tuple((a.name, CATEGORY.get(a.category, a.category)) for a in r.applicants)
        blocks.append(Block("table", table=Table("Table 1: Applicants that will accede to the SEC",
                                                  ("Organisation", "Party Category"), rows)))  # fmt: skip
    else:
        blocks.append(_p("There are no Applicants to be admitted as Parties to the SEC this month."))
    if r.withdrawals:
        blocks.append(Block("h", text="Withdrawal from the SEC"))
        for e in r.withdrawals:
            blocks.extend(_withdrawal(e))
    return Section("1.1", "Accessions", tuple(blocks))


def _defaults(r: OperationsReport) -> Section:
    blocks: list[Block] = []
    if r.remained_in_default:
        blocks.append(
            _p(
                f"There {'is' if r.remained_in_default == 1 else 'are'} "
                f"{plural(r.remained_in_default, 'SEC Party', 'SEC Parties')} who "
                f"{'has' if r.remained_in_default == 1 else 'have'} remained in Event of Default."
            )
        )
    for e in r.defaults:
        blocks.append(_p(f"{e.name} entered into an Event of Default on {ordinal_day(e.occurred_on)}. "
                         f"{sentence(e.note)}".strip()))  # fmt: skip
    if not blocks:
        blocks.append(_p("No SEC Party is in an Event of Default."))
    blocks.append(Block("h", text="Market Exit"))
    for e in r.market_exits:
        blocks.append(_p(f"{e.name} were expelled from the Code on {ordinal_day(e.occurred_on)}. "
                         f"{sentence(e.note)}".strip()))  # fmt: skip
    if not r.market_exits:
        blocks.append(_p("No SEC Party was expelled from the Code this month."))
    return Section("1.2", "Events of Default", tuple(blocks))


def _uep(r: OperationsReport) -> Section:
    blocks = [_p(UEP_INTRO)]
    if r.uep_completions:
        blocks.append(_p("Since the last SEC Panel meeting, the following SEC Parties have completed the UEP:"))
        rows = tuple(
            (u.name, CATEGORY.get(u.category, u.category), u.roles_text, short_day(u.completed_on))
            for u in r.uep_completions
        )
        header = ("SEC Party", "Party Category", "DCC User role(s)", "Date of UEP completion")
        caption = "Table 2: Parties that completed UEP since the last SEC Panel meeting"
        blocks.append(Block("table", table=Table(caption, header, rows)))
    else:
        blocks.append(_p("No SEC Party has completed the UEP since the last SEC Panel meeting."))
    return Section("1.3", "User Entry Process (UEP) completion", tuple(blocks))


def _testing(r: OperationsReport) -> Section:
    srept = len(r.srept)
    parties = len({e.party_id for e in r.uept})
    blocks = [
        Block("h", text="SMKI and Repository Entry Process Testing (SREPT)"),
        _p(
            f"There {'has' if srept == 1 else 'have'} been {plural(srept, 'notification', 'notifications')} of SREPT "
            "completion since the last SEC Panel meeting."
            + (" The details are provided in Appendix A." if srept else "")
        ),
        Block("h", text="Completion of the User Entry Process Testing (UEPT)"),
        _p(
            f"Since the last SEC Panel meeting, {plural(parties, 'SEC Party has', 'SEC Parties have')} successfully "
            f"completed UEPT for a total of {plural(len(r.uept), 'User Role', 'User Roles')}. The details are "
            "provided in Appendix B."
            if parties
            else "Since the last SEC Panel meeting, no SEC Party has completed UEPT."
        ),
    ]
    return Section("1.4", "Testing Update", tuple(blocks))


def appendices(r: OperationsReport) -> tuple[Table, ...]:
    """Appendices A and B (Amber): only for viewers who may see Amber."""
    if not r.show_amber:
        return ()
    return (
        Table(APPENDIX_A, ("SEC Party", "Party Category", "Date of SREPT completion"),
              tuple((e.name, CATEGORY.get(e.category, e.category), short_day(e.occurred_on)) for e in r.srept),
              classification="AMBER"),
        Table(APPENDIX_B, ("SEC Party", "DCC User role", "User ID", "Date of UEPT completion"),
              tuple((e.name, ROLE_NAMES.get(e.user_role or "", e.user_role or ""), e.user_id or "",
                     short_day(e.occurred_on)) for e in r.uept),
              classification="AMBER"),
    )  # fmt: skip


def _membership(r: OperationsReport) -> Section:
    blocks = [
        _p(
            "Statistics for the number of accessions, Defaulting Parties, withdrawals and expulsions of SEC Parties "
            "over the last 12 months are detailed below:"
        ),
        Block("table", table=table_three(r)),
    ]
    if r.footnotes:
        blocks.append(Block("footnotes", items=r.footnotes))
    if r.month_end_text:
        blocks.append(_p(r.month_end_text))
    blocks.append(Block("figure", text="Figure 1: Breakdown of SEC Party Voting Groups", bars=figure_one(r)))
    return Section("1.5", "Membership", tuple(blocks))


def sections(r: OperationsReport) -> tuple[Section, ...]:
    return (_accessions(r), _defaults(r), _uep(r), _testing(r), _membership(r))


def introduction(r: OperationsReport) -> tuple[str, ...]:
    """What this month's update includes (the bullets under "1. Market Entry and Exit")."""
    parts = [
        ("Accessions", bool(r.applicants)),
        ("Withdrawal from the SEC", bool(r.withdrawals)),
        ("Events of Default", bool(r.defaults or r.remained_in_default or r.market_exits)),
        ("Parties who have completed the User Entry Process", bool(r.uep_completions)),
        ("Parties who have completed testing activities", bool(r.srept or r.uept)),
    ]
    return tuple(name for name, present in parts if present) or ("Membership statistics",)


INTRODUCTION = (
    "This section provides an update on the progression of Users entering the market over the last month and those "
    "that have left. This month’s update includes:"
)
