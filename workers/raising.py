"""Which findings become exceptions, and how many (pure): one per problem, capped per rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sql.exceptions import Raised
from validation.findings import Finding, Severity

MORE = "MORE"
SCHEMA_SAMPLE = 20


def _schema_by_column(findings: Sequence[Finding]) -> list[Raised]:
    """SCHEMA: one finding per bad row, one exception per column."""
    by_column: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_column[f.subject].append(f)
    raised = []
    for column, items in by_column.items():
        first = items[0]
        if len(items) == 1:
            raised.append(Raised(first.rule_code, column, first.severity.value, first.message, first.sec_clause,
                                 dict(first.details) | {"rows": [first.row] if first.row else []}))
            continue
        rows = [f.row for f in items if f.row is not None]
        message = (f"{len(items):,} rows have invalid values in column {column!r}, "
                   f"first at row {rows[0] if rows else '?'}: {first.message}")
        raised.append(Raised(first.rule_code, column, first.severity.value, message, first.sec_clause,
                             {"column": column, "count": len(items), "rows": rows[:SCHEMA_SAMPLE]}))
    return raised


def exceptions_for(findings: Sequence[Finding], *, cap: int) -> list[Raised]:
    """The exceptions a run raises: WARNING and HIGH findings, SCHEMA per column, at most `cap` per rule + MORE."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.severity is not Severity.INFO:
            by_rule[f.rule_code].append(f)
    raised: list[Raised] = []
    for rule, items in by_rule.items():
        if rule == "SCHEMA":
            candidates = _schema_by_column(items)
        else:
            candidates = [Raised(f.rule_code, f.subject, f.severity.value, f.message, f.sec_clause, dict(f.details))
                          for f in items]
        if len(candidates) <= cap:
            raised += candidates
            continue
        kept, rest = candidates[:cap], candidates[cap:]
        severity = "HIGH" if any(r.severity == "HIGH" for r in rest) else "WARNING"
        raised += kept
        raised.append(Raised(
            rule, MORE, severity,
            f"{len(rest):,} more {rule} problems were found in this run and not raised one by one "
            f"(the first {cap:,} were); see the submission's findings",
            rest[0].sec_clause, {"count": len(rest), "subjects": [r.subject for r in rest[:SCHEMA_SAMPLE]]}))
    return raised
