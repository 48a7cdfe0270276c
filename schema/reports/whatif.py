"""`whatIf`: a catalogue change tried over the stored files of past periods, nothing stored.

The stored files are re-run by the what-if child process (the API process never loads the validation stack), wired
by api as `Context.what_if`; the comparison with what stands today is domain.whatif's."""

from __future__ import annotations

import base64
import time
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from domain import whatif
from domain.periods import check_period
from domain.roles import WHAT_IF_USERS
from domain.whatif import Change, Found, Level, PeriodDifference
from schema.context import Info
from schema.errors import bad_user_input, unauthenticated
from schema.reports.mutations import ServiceLevelInput
from schema.reports.types import ReportException, ReportSubmission, Severity
from sql import catalogue
from sql import whatif as store
from sql.errors import Refusal


@strawberry.input(description="A catalogue change to try; what is not given stays as the catalogue has it.")
class CatalogueChangeInput:
    tolerance_lower_pct: float | None = strawberry.field(default=None, description="The lower tolerance, %.")
    tolerance_upper_pct: float | None = strawberry.field(default=None, description="The upper tolerance, %.")
    service_levels: list[ServiceLevelInput] | None = strawberry.field(
        default=None, description="Targets and Minimum Service Levels, set measure by measure as amendReportType does."
    )
    due_working_days: int | None = strawberry.field(
        default=None, description="The due rule: the Nth Working Day after the end of the period."
    )


@strawberry.type(description="A finding a what-if would add, clear or change.")
class WhatIfFinding:
    rule_code: str = strawberry.field(description="The rule.")
    severity: Severity = strawberry.field(description="Its severity (for a change: the severity it would have).")
    subject: str = strawberry.field(description="What it concerns.")
    message: str = strawberry.field(description="Its words.")
    details: JSON = strawberry.field(description="The numbers behind it.")
    row: int | None = strawberry.field(description="The file's row, where it has one.")
    was: Severity | None = strawberry.field(description="For a change in severity: the severity it has today.")
    raises_exception: bool = strawberry.field(
        description="Whether it is (or would be) an exception for OPSG: WARNING and HIGH findings are."
    )
    exception_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, f: Found, exception_id: int | None, was: str | None = None) -> WhatIfFinding:
        return cls(
            rule_code=f.rule_code,
            severity=Severity(f.severity),
            subject=f.subject,
            message=f.message,
            details=cast(JSON, f.details),
            row=f.row,
            was=Severity(was) if was else None,
            raises_exception=f.raises_exception,
            exception_id=exception_id,
        )

    @strawberry.field(description="The exception that stands today for this rule and subject, if any.")
    async def exception(self, info: Info) -> ReportException | None:
        if self.exception_id is None:
            return None
        row = await info.context.loaders.exception.load(self.exception_id)
        return ReportException.from_row(row) if row else None


@strawberry.type(description="One period under the change, against what stands today.")
class WhatIfPeriod:
    period: str = strawberry.field(description="The period.")
    status_today: str = strawberry.field(description="The status of the latest submission today.")
    status_would_be: str = strawberry.field(description="Its status under the change.")
    added: list[WhatIfFinding] = strawberry.field(description="Findings the change would add.")
    cleared: list[WhatIfFinding] = strawberry.field(description="Findings the change would clear.")
    changed: list[WhatIfFinding] = strawberry.field(description="Findings whose severity would change.")
    submission_id: strawberry.Private[int]

    @strawberry.field(description="The latest submission of the period, whose stored file was re-run.")
    async def submission(self, info: Info) -> ReportSubmission | None:
        row = await info.context.loaders.submission.load(self.submission_id)
        return ReportSubmission.from_row(row) if row else None


@strawberry.type(description="What the what-if cost.")
class WhatIfCost:
    estimated: int = strawberry.field(description="Its estimated query cost (it runs in the heavy lane).")
    periods: int = strawberry.field(description="Periods with a stored submission re-run.")
    bytes: int = strawberry.field(description="Bytes of stored files re-run.")
    findings: int = strawberry.field(description="Findings compared (today's and the re-run's).")
    cpu_seconds: float = strawberry.field(description="Processor time of the re-run.")
    milliseconds: float = strawberry.field(description="Wall time of the whole answer.")


@strawberry.type(description="A catalogue change tried over past periods: per period, what it would change.")
class WhatIf:
    report_type: str = strawberry.field(description="The report type (its code).")
    catalogue_version: int = strawberry.field(description="The catalogue version the change was tried on.")
    periods: list[WhatIfPeriod] = strawberry.field(description="Each period with a stored submission, oldest first.")
    cost: WhatIfCost = strawberry.field(description="What the what-if cost.")


def _change(given: CatalogueChangeInput) -> Change:
    levels = tuple(
        Level(s.measure.strip().upper(), (s.provider or "").strip().upper() or None, s.target_pct, s.minimum_pct)
        for s in given.service_levels or ()
    )
    change = Change(given.tolerance_lower_pct, given.tolerance_upper_pct, levels, given.due_working_days)
    change.check()
    return change


def _period(d: PeriodDifference, standing: dict[tuple[str, str, str], int]) -> WhatIfPeriod:
    def exception(f: Found) -> int | None:
        return standing.get((d.period, f.rule_code, f.subject))

    return WhatIfPeriod(
        period=d.period,
        status_today=d.status_today,
        status_would_be=d.status_would_be,
        added=[WhatIfFinding.of(f, exception(f)) for f in d.added],
        cleared=[WhatIfFinding.of(f, exception(f)) for f in d.cleared],
        changed=[WhatIfFinding.of(c.would, exception(c.would), c.today.severity) for c in d.changed],
        submission_id=d.submission_id,
    )


async def run_what_if(info: Info, code: str, from_period: str, to_period: str, given: CatalogueChangeInput) -> WhatIf:
    started = time.perf_counter()
    if info.context.what_if is None:
        raise GraphQLError("the what-if is not available in this process", extensions={"code": "UNAVAILABLE"})
    async with info.context.connection() as conn:
        rt = await catalogue.report_type(conn, code=code.strip().upper())
        first, last = check_period(from_period, rt.cadence), check_period(to_period, rt.cadence)
        count = whatif.span(first, last)
        if whatif.span(last, first) > 1:
            raise bad_user_input(f"{first} is after {last}")
        whatif.check_span(count)
        tried = _change(given).applied_to(await store.parameters(conn, rt))
        stored = await store.latest(
            conn, report_type_id=rt.id, from_period=first, to_period=last, due_working_days=tried.due_working_days
        )
        runs = [s.run_id for s in stored if s.run_id is not None]
        today = await store.findings_of_runs(conn, run_ids=runs)
        standing = await store.standing_exceptions(conn, report_type_id=rt.id, periods=[s.period for s in stored])
    # The connection is back in the pool while the child works.
    answer: dict[str, Any] = await info.context.what_if(
        {
            "spec": tried.spec(),
            "periods": [
                {
                    "period": s.period,
                    "content": base64.b64encode(s.content).decode(),
                    "received_at": s.first_received_at.isoformat() if s.first_received_at else None,
                    "due_at": s.due_at.isoformat() if s.due_at else None,
                }
                for s in stored
            ],
        }
    )
    periods, compared = [], 0
    for s, would in zip(stored, answer["periods"], strict=True):
        found = [Found.of(f) for f in would["findings"]]
        before = today.get(s.run_id, []) if s.run_id is not None else []
        compared += len(found) + len(before)
        added, cleared, changed = whatif.compare(before, found)
        difference = PeriodDifference(s.period, s.submission_id, s.status, would["status"], added, cleared, changed)
        periods.append(_period(difference, standing))
    cost = WhatIfCost(
        estimated=whatif.COST_BASE + whatif.COST_PER_PERIOD * count,
        periods=len(stored),
        bytes=sum(len(s.content) for s in stored),
        findings=compared,
        cpu_seconds=float(answer.get("cpu_seconds", 0.0)),
        milliseconds=round((time.perf_counter() - started) * 1000, 1),
    )
    return WhatIf(report_type=rt.code, catalogue_version=rt.version, periods=periods, cost=cost)


@strawberry.type
class WhatIfQuery:
    @strawberry.field(
        description="Try a catalogue change before making it (secas, opsg, admin): the stored file of the latest "
        "submission of each period re-run under the current catalogue version with the change, and per period the "
        "findings that would be added, cleared or changed in severity against what stands today. Nothing is stored."
    )
    async def what_if(
        self,
        info: Info,
        report_type: Annotated[str, strawberry.argument(description="The report type's code.")],
        from_period: Annotated[str, strawberry.argument(description="The first period, YYYY-MM or YYYY-Qn.")],
        to_period: Annotated[str, strawberry.argument(description="The last period, included.")],
        change: Annotated[CatalogueChangeInput, strawberry.argument(description="The change to try.")],
    ) -> WhatIf:
        role = info.context.viewer.role
        if role not in WHAT_IF_USERS:
            if role == "public":
                raise unauthenticated()
            raise GraphQLError(f"the {role} role may not try catalogue changes", extensions={"code": "FORBIDDEN"})
        try:
            return await run_what_if(info, report_type, from_period, to_period, change)
        except Refusal as e:
            if e.code == "UNAVAILABLE":
                raise GraphQLError(e.message, extensions={"code": "UNAVAILABLE"}) from e
            raise GraphQLError(e.message, extensions={"code": "BAD_USER_INPUT", "field": e.field}) from e
