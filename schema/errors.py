"""Errors: payload errors for expected mutation failures, coded top-level errors, and masking of the rest."""

from __future__ import annotations

from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from sql.errors import StoreError, is_unavailable


@strawberry.type(description="Why a mutation did not do what was asked: expected failures are answered as data.")
class UserError:
    code: str = strawberry.field(
        description="What went wrong, as a stable code: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, INVALID_INPUT, "
        "INVALID_PERIOD, CONFLICT, LIFECYCLE_VIOLATION, ILLEGAL_TRANSITION, UNKNOWN_REPORT_TYPE and others.")
    message: str = strawberry.field(description="What went wrong and where, in words for a person.")
    field: str | None = strawberry.field(
        default=None, description="The input field at fault (its GraphQL name), when one is.")


def errors_field() -> list[UserError]:
    """The `errors` field every mutation payload has, described once."""
    described: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded.")
    return described


def user_error(error: StoreError) -> UserError:
    return UserError(code=error.code, message=error.message, field=error.field)


class BadId(StoreError):
    """A malformed global ID or cursor: BAD_USER_INPUT in a query, INVALID_INPUT in a mutation."""

    code = "INVALID_INPUT"


def bad_user_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})


def unauthenticated() -> GraphQLError:
    return GraphQLError("an API key is needed for this", extensions={"code": "UNAUTHENTICATED"})


# "parsing aborted": the parser stopped at the token (or code point) limit, i.e. a document too large to read.
_COMPLEXITY_MARKERS = ("exceeds maximum operation depth", "aliases found", "token limit", "exceeds maximum",
                       "parsing aborted")


def _tag(errors: list[GraphQLError] | None, code: str) -> None:
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            message = error.message.lower()
            chosen = "QUERY_TOO_COMPLEX" if any(m in message for m in _COMPLEXITY_MARKERS) else code
            error.extensions = {**(error.extensions or {}), "code": chosen}


class ErrorPolicy(MaskErrors):
    """Codes every error (docs/api.md, "Errors"); an unexpected one becomes INTERNAL_SERVER_ERROR with a request id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask, error_message="Internal server error.")

    @staticmethod
    def is_unexpected(error: GraphQLError) -> bool:
        return ErrorPolicy._should_mask(error) and not is_unavailable(error.original_error)

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        if (error.extensions or {}).get("code"):
            return False
        return error.original_error is not None and not isinstance(error.original_error, GraphQLError)

    def on_parse(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors, "GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors, "GRAPHQL_VALIDATION_FAILED")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        request_id = getattr(self.execution_context.context, "request_id", None)
        if is_unavailable(error.original_error):
            masked.message = "The database is unavailable; try again shortly."
            masked.extensions = {"code": "UNAVAILABLE", "requestId": request_id}
        else:
            masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        # What is left without a code failed while coercing variables or arguments: the caller's input.
        _tag(processed, "BAD_USER_INPUT")
        return processed

