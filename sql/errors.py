"""Expected failures of the store (the domain's refusals), and which database errors mean "unavailable" or "a value
the store cannot hold"."""

import asyncpg

from domain.errors import (
    Conflict,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    InvalidPeriod,
    LifecycleViolation,
    NotFound,
    PayloadTooLarge,
    Refusal,
    Unauthenticated,
    UnknownReportType,
    UnsupportedMediaType,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "IllegalTransition",
    "InvalidInput",
    "InvalidPeriod",
    "LifecycleViolation",
    "NotFound",
    "PayloadTooLarge",
    "Refusal",
    "Unauthenticated",
    "UnknownReportType",
    "UnsupportedMediaType",
    "cannot_hold",
    "is_unavailable",
]

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.ConnectionDoesNotExistError,
    # The statement ran past the statement timeout (SECGOV_STATEMENT_TIMEOUT_S): the service is too busy now.
    asyncpg.QueryCanceledError,
)


def is_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or went away mid-request: a 503, not a bug."""
    return isinstance(exc, UNAVAILABLE_ERRORS)


# A value the store cannot hold: asked again, it fails again (data exceptions, class 22; program limits, class 54,
# such as an index entry over the size a B-tree allows).
CANNOT_HOLD_ERRORS: tuple[type[BaseException], ...] = (asyncpg.DataError, asyncpg.ProgramLimitExceededError)


def cannot_hold(exc: BaseException | None) -> bool:
    """The store refuses a value for good: a run that met it is rejected with the reason, never retried."""
    return isinstance(exc, CANNOT_HOLD_ERRORS)
