"""Expected failures of the store, raised by its functions and turned into payload errors by callers."""

import asyncpg


class StoreError(Exception):
    """Base of the store's expected errors: `code` is the public error code."""

    code = "INVALID_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(StoreError):
    code = "NOT_FOUND"


class Conflict(StoreError):
    code = "CONFLICT"


class LifecycleViolation(StoreError):
    code = "LIFECYCLE_VIOLATION"


class InvalidInput(StoreError):
    code = "INVALID_INPUT"


class UnknownReportType(StoreError):
    code = "UNKNOWN_REPORT_TYPE"


class InvalidPeriod(StoreError):
    code = "INVALID_PERIOD"


class IllegalTransition(StoreError):
    code = "ILLEGAL_TRANSITION"


class Forbidden(StoreError):
    code = "FORBIDDEN"


UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError, asyncpg.AdminShutdownError, asyncpg.ConnectionDoesNotExistError)


def is_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or went away mid-request: a 503, not a bug."""
    return isinstance(exc, UNAVAILABLE_ERRORS)
