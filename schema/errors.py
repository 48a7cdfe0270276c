"""Errors: payload errors for expected mutation failures, coded top-level errors, and masking of the rest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, Lexer, Source, TokenKind, ValidationContext
from strawberry.extensions import AddValidationRules, SchemaExtension

from schema.enums import described
from sql.errors import Refusal, is_unavailable


@strawberry.enum(description="Why a request was refused, as a stable code (the same codes as the REST routes').")
class ErrorCode(Enum):
    UNAUTHENTICATED = described("UNAUTHENTICATED", "An API key is needed, or the one sent is not live.")
    FORBIDDEN = described("FORBIDDEN", "The key's role may not do this.")
    NOT_FOUND = described("NOT_FOUND", "The object named does not exist, or the caller may not see it.")
    UNKNOWN_REPORT_TYPE = described("UNKNOWN_REPORT_TYPE", "No report type has that code.")
    INVALID_INPUT = described("INVALID_INPUT", "An input value is malformed or out of range (see field).")
    INVALID_PERIOD = described("INVALID_PERIOD", "The period is not YYYY-MM (or YYYY-Qn for a quarterly report).")
    CSRF_REFUSED = described("CSRF_REFUSED", "An upload without X-Secgov-Upload: 1, or from another site.")
    CONFLICT = described("CONFLICT", "It clashes with what exists already (a name, a reference).")
    LIFECYCLE_VIOLATION = described("LIFECYCLE_VIOLATION", "Not possible in the object's present state.")
    ILLEGAL_TRANSITION = described("ILLEGAL_TRANSITION", "The review action does not apply to the status.")
    PAYLOAD_TOO_LARGE = described("PAYLOAD_TOO_LARGE", "The file or body is larger than the limits.")
    UNSUPPORTED_MEDIA_TYPE = described("UNSUPPORTED_MEDIA_TYPE", "The declared type contradicts the bytes.")
    RATE_LIMITED = described("RATE_LIMITED", "Too many requests: try again after Retry-After seconds.")
    UNAVAILABLE = described("UNAVAILABLE", "The service cannot answer now (the database away, too busy).")


@strawberry.type(description="Why a mutation did not do what was asked: expected failures are answered as data.")
class UserError:
    code: ErrorCode = strawberry.field(description="What went wrong, as a stable code.")
    message: str = strawberry.field(description="What went wrong and where, in words for a person.")
    field: str | None = strawberry.field(
        default=None, description="The input field at fault (its GraphQL name), when one is."
    )


def errors_field() -> list[UserError]:
    """The `errors` field every mutation payload has, described once."""
    described: list[UserError] = strawberry.field(description="Why the mutation was refused; empty when it succeeded.")
    return described


def user_error(error: Refusal) -> UserError:
    return UserError(code=ErrorCode(error.code), message=error.message, field=error.field)


class BadId(Refusal):
    """A malformed global ID or cursor: BAD_USER_INPUT in a query, INVALID_INPUT in a mutation."""

    code = "INVALID_INPUT"


def bad_user_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})


def unauthenticated() -> GraphQLError:
    return GraphQLError("an API key is needed for this", extensions={"code": "UNAUTHENTICATED"})


class ErrorPolicy(SchemaExtension):
    """Codes every error (docs/api.md, "Errors"); an unexpected one becomes INTERNAL_SERVER_ERROR (or UNAVAILABLE
    when the database went away) with a request id. Built on strawberry's public extension hooks only."""

    MESSAGE = "Internal server error."

    @staticmethod
    def is_unexpected(error: GraphQLError) -> bool:
        return ErrorPolicy.should_mask(error) and not is_unavailable(error.original_error)

    @staticmethod
    def should_mask(error: GraphQLError) -> bool:
        if (error.extensions or {}).get("code"):
            return False
        return error.original_error is not None and not isinstance(error.original_error, GraphQLError)

    def on_parse(self) -> Iterator[None]:
        yield
        # The errors before execution are the execution context's field of that name (strawberry's own ValidationCache
        # writes it); tests/e2e/test_limits.py and test_graphql_http_audit.py fail if their codes go missing.
        errors = self.execution_context.pre_execution_errors
        if errors and beyond_parse_limits(self.execution_context.query or "", self.execution_context.parse_options):
            _tag(errors, "QUERY_TOO_COMPLEX")
        _tag(errors, "GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors, "GRAPHQL_VALIDATION_FAILED")

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for part in (result, getattr(result, "initial_result", None)):
            errors = getattr(part, "errors", None)
            if errors:
                part.errors = self.process(errors)  # type: ignore[union-attr]

    def process(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = [self.mask(e) if self.should_mask(e) else e for e in errors]
        # What is left without a code failed while coercing variables or arguments: the caller's input.
        _tag(processed, "BAD_USER_INPUT")
        return processed

    def mask(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        if is_unavailable(error.original_error):
            message, code = "The database is unavailable; try again shortly.", "UNAVAILABLE"
        else:
            message, code = self.MESSAGE, "INTERNAL_SERVER_ERROR"
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": code, "requestId": request_id},
        )


def _tag(errors: list[GraphQLError] | None, code: str) -> None:
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}


def beyond_parse_limits(query: str, options: Mapping[str, Any]) -> bool:
    """Whether a document that failed to parse is beyond the parser's size limits (max_source_length, max_tokens):
    measured again here, so the refusal is QUERY_TOO_COMPLEX whatever words the parser used."""
    max_chars, max_tokens = options.get("max_source_length"), options.get("max_tokens")
    if max_chars is not None and len(query) > max_chars:
        return True
    if max_tokens is None:
        return False
    lexer, count = Lexer(Source(query)), 0
    try:
        while lexer.advance().kind != TokenKind.EOF:
            count += 1
            if count > max_tokens:
                return True
    except GraphQLError:
        return False  # a syntax error within the limits: a parse failure, not a size
    return False


class _CodedContext:
    """A validation context whose reported errors carry a code; everything else is the context's."""

    def __init__(self, context: ValidationContext, code: str) -> None:
        self._context, self._code = context, code

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": self._code}
        self._context.report_error(error)


def coded(extension: AddValidationRules, code: str = "QUERY_TOO_COMPLEX") -> AddValidationRules:
    """A validation extension (depth, aliases) whose rules report their errors with `code`."""

    def with_code(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
        class Coded(rule):  # type: ignore[valid-type,misc]
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(_CodedContext(context, code))

        return Coded

    extension.validation_rules = [with_code(rule) for rule in extension.validation_rules]
    return extension
