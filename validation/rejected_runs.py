"""Runs that reject a file without validating it through: its attempts used up, or its result refused by the store
for good. Each ends with one UNREADABLE_FILE finding that says why."""

from __future__ import annotations

from validation.findings import Finding, Severity, frame_of
from validation.pipeline import ValidationResult
from validation.spec import ReportSpec


def _unreadable(spec: ReportSpec, message: str, details: dict[str, object]) -> ValidationResult:
    """A run that rejects the file with one UNREADABLE_FILE finding saying why."""
    finding = Finding("UNREADABLE_FILE", Severity.HIGH, "FILE", message, spec.sec_clause, details)
    return ValidationResult("REJECTED", frame_of([finding]), None, 0, None)


def attempts_exhausted(attempts: int, spec: ReportSpec) -> ValidationResult:
    """The run after the attempts are used up (each worker stopped mid-run): the file is not read again."""
    return _unreadable(
        spec,
        f"Validation did not complete after {attempts - 1} attempts (the worker stopped each time): "
        "the file is rejected rather than retried for ever",
        {"attempts": attempts - 1, "reason": "attempts exhausted"},
    )


def refused_by_store(exc: BaseException, spec: ReportSpec) -> ValidationResult:
    """A run whose result the store refused for good: the file is rejected with the store's own reason."""
    return _unreadable(
        spec,
        f"The file's contents could not be stored: {exc}. Storing them again would fail the same way, so the file "
        "is rejected",
        {
            "reason": "the store refused a value",
            "error": type(exc).__name__,
            "sqlstate": getattr(exc, "sqlstate", None),
        },
    )
