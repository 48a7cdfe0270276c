"""operationsReport: section 1 of the Panel's Operations Report for a month, as data and as Markdown."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.errors import Refusal
from domain.operations import model
from domain.operations.render import markdown
from domain.operations.report import build
from domain.operations.sections import CLASSIFICATION_TEXT, appendices
from domain.operations.words import CATEGORY_PLURAL
from schema.context import Info
from schema.enums import Classification, DccUserRole, PartyCategory
from schema.errors import bad_user_input
from schema.governance.types import Meeting
from schema.load_one import load_one
from schema.register.types import CategoryCount, MembershipMonth, Party
from sql import operations_report


@strawberry.type(description="A Party as the report names it: its name and category then, and the Party itself.")
class ReportedParty:
    name: str = strawberry.field(description="The Party's name.")
    category: PartyCategory = strawberry.field(description="Its Party Category at the time.")
    party_pk: strawberry.Private[int]

    @strawberry.field(description="The Party in the register.")
    async def party(self, info: Info) -> Party | None:
        return await Party.load(info, self.party_pk, None)


@strawberry.type(description="A withdrawal, Event of Default or expulsion the report tells, with the register's note.")
class ReportedEvent(ReportedParty):
    occurred_on: date = strawberry.field(description="The day it took effect.")
    note: str | None = strawberry.field(description="The note recorded with the event.")


@strawberry.type(description="A DCC User Role completed in the User Entry Process, with its User ID.")
class ReportedRole:
    role: DccUserRole = strawberry.field(description="The DCC User Role.")
    user_id: str | None = strawberry.field(description="The DCC User ID, when recorded.")


@strawberry.type(description="A row of Table 2: a Party's User Entry Process completed for some roles on a day.")
class UepCompletion(ReportedParty):
    completed_on: date = strawberry.field(description="The Date of UEP completion.")
    roles: list[ReportedRole] = strawberry.field(description="The DCC User Roles completed, with their User IDs.")
    roles_text: str = strawberry.field(description="The DCC User role(s) cell as printed.")


@strawberry.type(description="A table of the report: its caption, header and rows as printed.")
class ReportTable:
    caption: str = strawberry.field(description="Its caption (Table 1: ...).")
    header: list[str] = strawberry.field(description="The column headings.")
    rows: list[list[str]] = strawberry.field(description="The rows, cell by cell.")
    classification: Classification = strawberry.field(description="Its classification (the appendices: AMBER).")


@strawberry.type(description="UEPT completions since the last Panel meeting: how many Parties, for how many roles.")
class UeptCount:
    parties: int = strawberry.field(description="SEC Parties that completed UEPT.")
    roles: int = strawberry.field(description="The User Roles they completed it for.")


@strawberry.type(description="1.4 Testing update: counts since the last Panel meeting, and the Amber appendices.")
class TestingUpdate:
    srept: int = strawberry.field(description="Notifications of SREPT completion since the last Panel meeting.")
    uept: UeptCount = strawberry.field(description="Parties (and User Roles) that completed UEPT since then.")
    srept_notifications: int = strawberry.field(description="Notifications of SREPT completion.")
    uept_parties: int = strawberry.field(description="Parties that completed UEPT.")
    uept_roles: int = strawberry.field(description="The User Roles they completed UEPT for.")
    appendices: list[ReportTable] = strawberry.field(
        description="Appendix A (SREPT) and B (UEPT): Amber, so empty for viewers who may not see Amber."
    )


@strawberry.type(description="A paragraph, sub-heading, bullet list, table, footnotes or figure of a section.")
class ReportBlock:
    kind: str = strawberry.field(description="p, h, bullets, table, footnotes or figure.")
    text: str = strawberry.field(description="The paragraph, heading or caption.")
    items: list[str] = strawberry.field(description="The bullets or footnotes.")
    table: ReportTable | None = strawberry.field(description="The table, for kind table.")
    bars: list[CategoryCount] = strawberry.field(description="Figure 1's bars, for kind figure.")


@strawberry.type(description="A numbered part of section 1 (1.1 Accessions ... 1.5 Membership).")
class ReportSection:
    number: str = strawberry.field(description="1.1 ... 1.5.")
    title: str = strawberry.field(description="Its heading.")
    blocks: list[ReportBlock] = strawberry.field(description="What it says, in order.")


@strawberry.type(description="Section 1 (Market Entry and Exit) of the Panel's Operations Report for a month.")
class OperationsReport:
    month: str = strawberry.field(description="The reporting month, YYYY-MM.")
    title: str = strawberry.field(description="Operations Report – July 2018.")
    reference: str | None = strawberry.field(description="The paper reference: the Panel meeting's (and item's).")
    action: str = strawberry.field(description="For Decision when a withdrawal needs the Panel's resolution.")
    classification: Classification = strawberry.field(description="The paper's classification: WHITE.")
    classification_text: str = strawberry.field(description="The classification line as printed.")
    since: date = strawberry.field(description="Table 2 and the testing update run from this day.")
    purpose: list[str] = strawberry.field(description="1. Purpose.")
    recommendations: list[str] = strawberry.field(description="NOTE, and AGREE for each voluntary withdrawal.")
    attachments: list[str] = strawberry.field(description="The appendices attached.")
    applicants: list[ReportedParty] = strawberry.field(description="Table 1: Applicants that will accede.")
    withdrawals: list[ReportedEvent] = strawberry.field(description="Withdrawals effective in the month.")
    defaults: list[ReportedEvent] = strawberry.field(description="Events of Default entered in the month.")
    remained_in_default: int = strawberry.field(description="Parties in default at both ends of the month.")
    market_exits: list[ReportedEvent] = strawberry.field(description="Expulsions in the month.")
    uep_completions: list[UepCompletion] = strawberry.field(description="Table 2, since the last Panel meeting.")
    testing: TestingUpdate = strawberry.field(description="1.4 Testing update.")
    membership: list[MembershipMonth] = strawberry.field(description="Table 3: the 12 months to the report's month.")
    footnotes: list[str] = strawberry.field(description="Table 3's footnotes, naming the Parties behind it.")
    parties_at_month_end: int | None = strawberry.field(description="Parties at the end of the month.")
    voting_groups_at_month_end: int | None = strawberry.field(description="Voting Groups at the end of the month.")
    voting_groups_by_category: list[CategoryCount] = strawberry.field(description="Figure 1.")
    month_end_text: str = strawberry.field(description="At the end of the reporting month, there were ...")
    sections: list[ReportSection] = strawberry.field(description="Sections 1.1 to 1.5 as printed.")
    markdown: str = strawberry.field(description="The whole section as Markdown.")
    panel_meeting_pk: strawberry.Private[int | None]
    previous_pk: strawberry.Private[int | None]

    @strawberry.field(description="The Panel meeting the report goes to (the first after the month's end).")
    async def panel_meeting(self, info: Info) -> Meeting | None:
        return await load_one(info, lambda ls: ls.meeting, Meeting.from_row, self.panel_meeting_pk)

    @strawberry.field(description="The Panel meeting before it: 'since the last SEC Panel meeting'.")
    async def previous_panel_meeting(self, info: Info) -> Meeting | None:
        return await load_one(info, lambda ls: ls.meeting, Meeting.from_row, self.previous_pk)


def _event(e: model.PartyEvent) -> ReportedEvent:
    return ReportedEvent(
        name=e.name, category=PartyCategory(e.category), party_pk=e.party_id, occurred_on=e.occurred_on, note=e.note
    )


def _table(t: model.Table) -> ReportTable:
    return ReportTable(
        caption=t.caption,
        header=list(t.header),
        rows=[list(r) for r in t.rows],
        classification=Classification(t.classification),
    )


def _counts(bars: tuple[model.Bar, ...]) -> list[CategoryCount]:
    codes = {label: code for code, label in CATEGORY_PLURAL.items()}
    return [CategoryCount(category=PartyCategory(codes[b.label]), count=b.value) for b in bars]


def from_report(r: model.OperationsReport, data: model.ReportInput) -> OperationsReport:
    figure = next(b.bars for s in r.sections for b in s.blocks if b.kind == "figure")
    uept_parties = len({e.party_id for e in r.uept})
    return OperationsReport(
        month=r.month, title=r.title, reference=r.reference, action=r.action, classification=Classification.WHITE,
        classification_text=CLASSIFICATION_TEXT, since=data.since, purpose=list(r.purpose),
        recommendations=list(r.recommendations), attachments=list(r.attachments),
        applicants=[ReportedParty(name=a.name, category=PartyCategory(a.category), party_pk=a.party_id)
                    for a in r.applicants],
        withdrawals=[_event(e) for e in r.withdrawals], defaults=[_event(e) for e in r.defaults],
        remained_in_default=r.remained_in_default, market_exits=[_event(e) for e in r.market_exits],
        uep_completions=[
            UepCompletion(name=u.name, category=PartyCategory(u.category), party_pk=u.party_id,
                          completed_on=u.completed_on, roles_text=u.roles_text,
                          roles=[ReportedRole(role=DccUserRole(role), user_id=uid) for role, uid in u.roles])
            for u in r.uep_completions
        ],
        testing=TestingUpdate(
            srept=len(r.srept), uept=UeptCount(parties=uept_parties, roles=len(r.uept)),
            srept_notifications=len(r.srept), uept_parties=uept_parties, uept_roles=len(r.uept),
            appendices=[_table(t) for t in appendices(r)],
        ),
        membership=[MembershipMonth.of(m) for m in r.membership], footnotes=list(r.footnotes),
        parties_at_month_end=r.month_end.parties if r.month_end else None,
        voting_groups_at_month_end=r.month_end.voting_groups if r.month_end else None,
        voting_groups_by_category=_counts(figure), month_end_text=r.month_end_text,
        sections=[
            ReportSection(number=s.number, title=s.title, blocks=[
                ReportBlock(kind=b.kind, text=b.text, items=list(b.items), table=_table(b.table) if b.table else None,
                            bars=_counts(b.bars)) for b in s.blocks])
            for s in r.sections
        ],
        markdown=markdown(r),
        panel_meeting_pk=data.panel_meeting.id if data.panel_meeting else None,
        previous_pk=data.previous_meeting.id if data.previous_meeting else None,
    )  # fmt: skip


@strawberry.type
class OperationsReportQuery:
    @strawberry.field(
        description="Section 1 of the Panel's Operations Report for a month (Market Entry and Exit), from the "
        "register; the Amber appendices only for viewers who may see Amber. Downloads: "
        "/api/v1/operations-report/{month}.md|.html|.docx"
    )
    async def operations_report(
        self,
        info: Info,
        month: Annotated[str, strawberry.argument(description="The reporting month, YYYY-MM.")],
        item: Annotated[
            int | None, strawberry.argument(description="The paper's agenda item at the meeting, for its reference.")
        ] = None,
    ) -> OperationsReport:
        try:
            async with info.context.connection() as conn:
                data = await operations_report.report_input(conn, month=month, viewer=info.context.viewer, item=item)
        except Refusal as e:
            raise bad_user_input(e.message) from e
        return from_report(build(data), data)
