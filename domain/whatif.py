"""A what-if: a catalogue change tried over the stored files of past periods before it is made. What would be found
under the change is set beside what stands today, per period: findings added, cleared, or changed in severity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from domain.errors import InvalidInput
from domain.periods import PERIOD

# Periods a what-if may span: a year and a half of monthly reports (six years of quarterly ones).
MAX_PERIODS = 18
# The query-cost weight of a what-if (schema/cost.py): a base that puts any what-if in the heavy lane, and more per
# period re-run.
COST_BASE = 2500
COST_PER_PERIOD = 250


@dataclass(frozen=True, slots=True)
class Level:
    """A service level, as the catalogue holds it (no provider: any provider)."""

    measure: str
    provider: str | None
    target_pct: float | None
    minimum_pct: float | None


@dataclass(frozen=True, slots=True)
class Parameters:
    """The catalogue parameters a re-run takes: the report type's as they stand, or with a change tried."""

    code: str
    sec_clause: str | None
    tolerance_lower_pct: float | None
    tolerance_upper_pct: float | None
    below_tolerance_severity: str
    tbc: tuple[str, ...]
    due_working_days: int | None
    service_levels: tuple[Level, ...] = ()

    def spec(self) -> dict[str, Any]:
        """What the re-run's validation takes (validation.spec.ReportSpec's fields), as JSON."""
        return {
            "code": self.code,
            "sec_clause": self.sec_clause,
            "tolerance_lower_pct": self.tolerance_lower_pct,
            "tolerance_upper_pct": self.tolerance_upper_pct,
            "below_tolerance_severity": self.below_tolerance_severity,
            "tbc": list(self.tbc),
            "service_levels": [
                {
                    "measure": s.measure,
                    "provider": s.provider,
                    "target_pct": s.target_pct,
                    "minimum_pct": s.minimum_pct,
                }
                for s in self.service_levels
            ],
        }


@dataclass(frozen=True, slots=True)
class Change:
    """The change tried; what is not given stays as the catalogue has it."""

    tolerance_lower_pct: float | None = None
    tolerance_upper_pct: float | None = None
    service_levels: tuple[Level, ...] = ()  # set on top of the current ones, measure by measure, as amendReportType
    due_working_days: int | None = None

    def applied_to(self, current: Parameters) -> Parameters:
        tried = current
        if self.tolerance_lower_pct is not None:
            tried = replace(tried, tolerance_lower_pct=self.tolerance_lower_pct)
        if self.tolerance_upper_pct is not None:
            tried = replace(tried, tolerance_upper_pct=self.tolerance_upper_pct)
        if self.service_levels:
            levels = {(s.measure, s.provider): s for s in (*current.service_levels, *self.service_levels)}
            ordered = sorted(levels.values(), key=lambda s: (s.measure, s.provider or ""))
            tried = replace(tried, service_levels=tuple(ordered))
        if self.due_working_days is not None:
            tried = replace(tried, due_working_days=self.due_working_days)
        return tried

    def check(self) -> None:
        """Refuse a change the catalogue would refuse."""
        lower, upper = self.tolerance_lower_pct, self.tolerance_upper_pct
        for name, pct in (("toleranceLowerPct", lower), ("toleranceUpperPct", upper)):
            if pct is not None and not 0 <= pct <= 10_000:
                raise InvalidInput(f"{pct} is not a percentage between 0 and 10,000", field=f"change.{name}")
        if lower is not None and upper is not None and lower > upper:
            raise InvalidInput("the lower tolerance is above the upper one", field="change.toleranceLowerPct")
        if self.due_working_days is not None and not 1 <= self.due_working_days <= 120:
            raise InvalidInput("the due rule is the 1st to the 120th Working Day", field="change.dueWorkingDays")


@dataclass(frozen=True, slots=True)
class Found:
    """One finding, today's (as stored) or the re-run's."""

    rule_code: str
    severity: str
    subject: str
    message: str
    details: dict[str, Any]
    row: int | None = None

    @classmethod
    def of(cls, f: Mapping[str, Any]) -> Found:
        """From a stored finding's record, or a re-run's."""
        return cls(f["rule_code"], f["severity"], f["subject"], f["message"], f["details"], f["row"])

    @property
    def key(self) -> tuple[str, str, int | None]:
        """What makes two runs' findings the same finding: the rule, the subject and the row."""
        return (self.rule_code, self.subject, self.row)

    @property
    def raises_exception(self) -> bool:
        """WARNING and HIGH findings are the Operations Group's work items; INFO ones are not."""
        return self.severity != "INFO"


@dataclass(frozen=True, slots=True)
class Changed:
    today: Found
    would: Found


@dataclass(frozen=True, slots=True)
class PeriodDifference:
    period: str
    submission_id: int
    status_today: str
    status_would_be: str
    added: list[Found] = field(default_factory=list)
    cleared: list[Found] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)


def compare(today: list[Found], would: list[Found]) -> tuple[list[Found], list[Found], list[Changed]]:
    """(added, cleared, changed in severity): findings matched by rule, subject and row, one for one in order."""
    stands: dict[tuple[str, str, int | None], list[Found]] = defaultdict(list)
    for f in today:
        stands[f.key].append(f)
    added: list[Found] = []
    changed: list[Changed] = []
    for f in would:
        same = stands.get(f.key)
        if not same:
            added.append(f)
            continue
        old = same.pop(0)
        if old.severity != f.severity:
            changed.append(Changed(old, f))
    cleared = [f for left in stands.values() for f in left]
    return added, cleared, changed


def span(from_period: object, to_period: object) -> int:
    """How many periods from one to the other, both included (1 for anything malformed: the resolver refuses it)."""

    def ordinal(text: object) -> tuple[str, int] | None:
        m = PERIOD.fullmatch(str(text))
        if m is None:
            return None
        if m["quarter"] is not None:
            return "Q", int(m["year"]) * 4 + int(m["quarter"])
        return "M", int(m["year"]) * 12 + int(m["month"])

    start, end = ordinal(from_period), ordinal(to_period)
    if start is None or end is None or start[0] != end[0]:
        return 1
    return max(end[1] - start[1] + 1, 1)


def check_span(periods: int) -> None:
    if periods > MAX_PERIODS:
        raise InvalidInput(
            f"{periods} periods asked for; a what-if spans at most {MAX_PERIODS}: try a shorter range",
            field="toPeriod",
        )
