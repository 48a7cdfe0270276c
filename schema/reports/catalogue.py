"""The report catalogue as GraphQL types: report types, their Service Levels and the enums they use."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.context import Info
from schema.enums import described
from schema.relay import Node, global_id
from sql.rows import ReportTypeRow


@strawberry.enum(description="How much a finding matters.")
class Severity(Enum):
    INFO = described("INFO", description="Information only; does not become an exception by default.")
    WARNING = described(
        "WARNING",
        description="A problem for the Operations Group to look at; flags the submission and becomes an exception.",
    )
    HIGH = described(
        "HIGH", description="A serious problem (unreadable file, missing report, below the Minimum Service Level)."
    )


@strawberry.enum(description="How often a report is owed.")
class Cadence(Enum):
    MONTHLY = described("MONTHLY", description="Every calendar month; periods are YYYY-MM.")
    QUARTERLY = described("QUARTERLY", description="Every calendar quarter; periods are YYYY-Qn.")


@strawberry.type(description="A performance measure's Target and Minimum Service Level, as the catalogue holds them.")
class ServiceLevel:
    measure: str = strawberry.field(
        description="The measure's code: CPM1 to CPM8 for Code Performance Measures, or a Service Provider measure."
    )
    provider: str | None = strawberry.field(
        description="The provider it applies to (CODE, DSP, CSP_N, CSP_C, CSP_S); null for all."
    )
    name: str | None = strawberry.field(description="What the measure is, in words.")
    target_pct: float | None = strawberry.field(
        description="The Target, a percentage: below it is BELOW_TARGET (WARNING)."
    )
    minimum_pct: float | None = strawberry.field(
        description="The Minimum Service Level, a percentage: below it is BELOW_MINIMUM (HIGH)."
    )
    tbc: bool = strawberry.field(
        default=False,
        description="True when the papers do not state these levels: to be "
        "confirmed with the administrator, shown as (TBC).",
    )


@strawberry.type(
    description="A report the DCC owes the Operations Group, with its deadline and the rules its files are checked by "
    "(one catalogue version)."
)
class ReportType(Node):
    code: str = strawberry.field(
        description="Its code: PMR, SR_VARIANCE, CSR_VARIANCE, RDP_INCIDENT, CH_RETURNS, NEP, PROBLEM_QUARTERLY, ..."
    )
    name: str = strawberry.field(description="Its name, as the Operations Group's papers give it.")
    sec_clause: str | None = strawberry.field(
        description="The SEC clause that requires it; null while to be confirmed."
    )
    cadence: Cadence = strawberry.field(description="Monthly or quarterly.")
    due_working_days: int | None = strawberry.field(
        description="The Nth Working Day after the end of the period; null = no deadline."
    )
    tolerance_lower_pct: float | None = strawberry.field(
        description="Actual below this percentage of forecast is VARIANCE_BELOW_TOLERANCE."
    )
    tolerance_upper_pct: float | None = strawberry.field(
        description="Actual above this percentage of forecast is VARIANCE_ABOVE_TOLERANCE."
    )
    obligation_from: str = strawberry.field(description="The first period the report is owed.")
    to_be_confirmed: list[str] = strawberry.field(description="Parameters still to be confirmed (TBC).")
    version: int = strawberry.field(
        description="The catalogue version of these rules; every validation run records the one it used."
    )
    below_tolerance_severity: Severity = strawberry.field(
        description="The severity of VARIANCE_BELOW_TOLERANCE under this version (INFO: information, no exception)."
    )
    delivery_wording: str | None = strawberry.field(
        description="Delivery per SEC as the OPSG table words it: 'SEC L8.9 – 10th Working day following month end'."
    )
    content_lead_in: str | None = strawberry.field(
        description="What the OPSG table's Content cell opens with: 'Per SEC L8.9(a),'."
    )
    row: strawberry.Private[ReportTypeRow]

    @strawberry.field(description="True when any parameter of this version is still to be confirmed (shown as TBC).")
    def tbc(self) -> bool:
        return bool(self.to_be_confirmed)

    @classmethod
    def from_row(cls, row: ReportTypeRow) -> ReportType:
        return cls(
            id=global_id("ReportType", row.id),
            code=row.code,
            name=row.name,
            sec_clause=row.sec_clause,
            cadence=Cadence(row.cadence),
            due_working_days=row.due_working_days,
            tolerance_lower_pct=row.tolerance_lower_pct,
            tolerance_upper_pct=row.tolerance_upper_pct,
            obligation_from=row.obligation_from,
            to_be_confirmed=list(row.tbc),
            version=row.version,
            below_tolerance_severity=Severity(row.below_tolerance_severity),
            delivery_wording=row.delivery_wording,
            content_lead_in=row.content_lead_in,
            row=row,
        )

    @strawberry.field(description="The Targets and Minimum Service Levels its measures are checked against.")
    async def service_levels(self, info: Info) -> list[ServiceLevel]:
        return [
            ServiceLevel(
                measure=s.measure,
                provider=s.provider,
                name=s.name,
                target_pct=s.target_pct,
                minimum_pct=s.minimum_pct,
                tbc=s.tbc,
            )
            for s in await info.context.loaders.service_levels.load(self.row.id)
        ]


async def load_report_type(info: Info, pk: int) -> ReportType:
    row = await info.context.loaders.report_type.load(pk)
    assert row is not None
    return ReportType.from_row(row)
