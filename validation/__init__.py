"""Pure validation of DCC reports: parsing, schemas, rules and the working-day calendar."""

from validation.findings import Finding, Severity
from validation.parsing import UnreadableFile, detect_format, parse
from validation.pipeline import ValidationResult, validate_frame, validate_report
from validation.spec import ReportSpec, ServiceLevel

__all__ = [
    "Finding",
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
