"""Finding records: what a validation run says about one submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is; INFO findings never become exceptions."""

    INFO = "INFO"
    WARNING = "WARNING"
    HIGH = "HIGH"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) found in a submission, with the numbers behind it."""

    rule_code: str
    severity: Severity
    subject: str
    message: str
    sec_clause: str | None
    # JSON-serialisable only: numbers, strings, ISO dates, lists and dicts of them.
    details: dict[str, object] = field(default_factory=dict)
    # 1-based data row (header excluded); None for file-level and aggregate findings.
    row: int | None = None
