"""The GraphQL types of DCC reporting, gathered from the modules that define them."""

from schema.reports.catalogue import Cadence, ReportType, ServiceLevel, Severity
from schema.reports.exceptions import (
    ExceptionFilter,
    ExceptionStatus,
    HistoryEntry,
    ReportException,
    ReviewAction,
    ReviewOption,
)
from schema.reports.submissions import (
    Delivery,
    Finding,
    ReportSubmission,
    SubmissionFilter,
    SubmissionStatus,
    ValidationRun,
)

__all__ = [
    "Cadence",
    "Delivery",
    "ExceptionFilter",
    "ExceptionStatus",
    "Finding",
    "HistoryEntry",
    "ReportException",
    "ReportSubmission",
    "ReportType",
    "ReviewAction",
    "ReviewOption",
    "ServiceLevel",
    "Severity",
    "SubmissionFilter",
    "SubmissionStatus",
    "ValidationRun",
]
