"""Pure validation of DCC reports: parsing, schemas, rules and the working-day calendar."""

# Names are imported lazily so that `validation.calendar` (used by the API process) never loads polars or pandera.
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from validation.calendar import InvalidPeriod, Period
    from validation.findings import Finding, Severity
    from validation.parsing import UnreadableFile, detect_format, parse
    from validation.pipeline import ValidationResult, validate_frame, validate_report
    from validation.spec import ReportSpec, ServiceLevel

_WHERE = {
    "InvalidPeriod": "validation.calendar",
    "Period": "validation.calendar",
    "Finding": "validation.findings",
    "Severity": "validation.findings",
    "UnreadableFile": "validation.parsing",
    "detect_format": "validation.parsing",
    "parse": "validation.parsing",
    "ValidationResult": "validation.pipeline",
    "validate_frame": "validation.pipeline",
    "validate_report": "validation.pipeline",
    "ReportSpec": "validation.spec",
    "ServiceLevel": "validation.spec",
}

__all__ = [
    "Finding",
    "InvalidPeriod",
    "Period",
    "ReportSpec",
    "ServiceLevel",
    "Severity",
    "UnreadableFile",
    "ValidationResult",
    "detect_format",
    "parse",
    "validate_frame",
    "validate_report",
]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'validation' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
