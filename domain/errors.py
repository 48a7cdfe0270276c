"""Expected refusals: each carries the public error code and the field it is about.

Raised by the domain's checks and the store's functions alike; the API turns them into payload errors (GraphQL)
or a status (REST).
"""

from __future__ import annotations


class Refusal(Exception):
    """Base of the expected refusals: `code` is the public error code."""

    code = "INVALID_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Refusal):
    code = "NOT_FOUND"


class Conflict(Refusal):
    code = "CONFLICT"


class LifecycleViolation(Refusal):
    code = "LIFECYCLE_VIOLATION"


class InvalidInput(Refusal):
    code = "INVALID_INPUT"


class Unauthenticated(Refusal):
    code = "UNAUTHENTICATED"


class Forbidden(Refusal):
    code = "FORBIDDEN"


class UnknownReportType(Refusal):
    code = "UNKNOWN_REPORT_TYPE"


class InvalidPeriod(Refusal):
    code = "INVALID_PERIOD"


class IllegalTransition(Refusal):
    code = "ILLEGAL_TRANSITION"


class PayloadTooLarge(Refusal):
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(Refusal):
    code = "UNSUPPORTED_MEDIA_TYPE"
