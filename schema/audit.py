"""The audit log in GraphQL: every mutation recorded as it answers, and `auditLog` for the administrator's roles."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension

from domain.roles import AUDIT_READERS
from schema.context import Context, Info
from schema.enums import described
from schema.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    PageInfo,
    global_id,
    id_key,
    keys_of,
    page_of,
    window,
)
from sql import audit
from sql.audit import AuditFilter, AuditRow

log = logging.getLogger("secgov.audit")
T = TypeVar("T")


@strawberry.enum(description="What kind of request an audit entry records.")
class AuditAction(Enum):
    MUTATION = described("MUTATION", description="A GraphQL mutation.")
    UPLOAD = described("UPLOAD", description="A report file uploaded through the REST route.")


@strawberry.type(description="One mutation or upload: who, what, when, from where, and how it ended.")
class AuditEntry(Node):
    at: datetime = strawberry.field(description="When.")
    key_name: str = strawberry.field(description="The name of the key used.")
    role: str = strawberry.field(description="The key's role.")
    action: AuditAction = strawberry.field(description="Mutation or upload.")
    operation: str = strawberry.field(description="The mutation's field name, or the REST route.")
    operation_name: str | None = strawberry.field(description="The GraphQL operation's name, when it had one.")
    target_ids: list[strawberry.ID] = strawberry.field(description="The IDs it touched, where cheap to know.")
    client_address: str | None = strawberry.field(description="The client's address.")
    request_id: str | None = strawberry.field(
        description="The request id (X-Request-Id), the same in the logs and the worker's lines."
    )
    outcome: str = strawberry.field(description="OK, or the error code it answered.")

    @classmethod
    def from_row(cls, r: AuditRow) -> AuditEntry:
        return cls(
            id=global_id("AuditEntry", r.id),
            at=r.at,
            key_name=r.key_name,
            role=r.role,
            action=AuditAction(r.action),
            operation=r.operation,
            operation_name=r.operation_name,
            target_ids=[strawberry.ID(t) for t in r.target_ids],
            client_address=r.client_address,
            request_id=r.request_id,
            outcome=r.outcome,
        )


@strawberry.input(description="Narrows the audit log; every field given must match.")
class AuditLogFilter:
    key_name: str | None = strawberry.field(default=None, description="Only entries of this key (its name).")
    role: str | None = strawberry.field(default=None, description="Only entries of keys with this role.")
    action: AuditAction | None = strawberry.field(default=None, description="Only mutations, or only uploads.")
    operation: str | None = strawberry.field(
        default=None, description="Only this mutation (its field name) or REST route."
    )
    outcome: str | None = strawberry.field(default=None, description="Only this outcome: OK or an error code.")
    request_id: str | None = strawberry.field(default=None, description="Only the entry of this request.")
    from_: datetime | None = strawberry.field(
        default=None, name="from", description="Only entries at or after this instant."
    )
    to: datetime | None = strawberry.field(default=None, description="Only entries at or before this instant.")

    def store(self) -> AuditFilter:
        return AuditFilter(
            key_name=self.key_name,
            role=self.role,
            action=self.action.value if self.action else None,
            operation=self.operation,
            outcome=self.outcome,
            request_id=self.request_id,
            since=self.from_,
            until=self.to,
        )


async def _nothing() -> int:
    return 0


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first (secas and admin; empty for anyone else).")
    async def audit_log(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            AuditLogFilter | None, strawberry.argument(description="Only the entries that match it.")
        ] = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEntry]:
        w = window(first, after, last, before)
        if info.context.viewer.role not in AUDIT_READERS:
            return Connection(
                edges=[],
                page_info=PageInfo(has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None),
                counter=_nothing,
            )
        after_key, before_key = keys_of(w, 1, id_key)
        where = (filter or AuditLogFilter()).store()
        async with info.context.connection() as conn:
            rows = await audit.page(
                conn, after=after_key, before=before_key, backward=w.backward, limit=w.limit + 1, where=where
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await audit.count(conn, where=where)

        return page_of(
            rows,
            w,
            key=lambda r: [r.id],
            node=AuditEntry.from_row,
            counter=total,
        )


def touched(kwargs: dict[str, Any], result: object) -> list[str]:
    """The global IDs a mutation named (`id`, `…Id` arguments and input fields) and those of its payload's objects."""
    found: list[str] = []

    def named(values: dict[str, Any]) -> None:
        found.extend(v for k, v in values.items() if (k == "id" or k.endswith("_id")) and isinstance(v, str) and v)

    named(kwargs)
    for value in kwargs.values():
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            named({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        for f in dataclasses.fields(result):
            node_id = getattr(getattr(result, f.name, None), "id", None)
            if isinstance(node_id, str):
                found.append(node_id)
    return found


def outcome_of(result: object) -> str:
    errors = getattr(result, "errors", None)
    if errors:
        code = getattr(errors[0], "code", "ERROR")
        return str(code.value if isinstance(code, Enum) else code)  # ErrorCode, as the wire spells it
    return audit.OK


async def record(
    ctx: Context, *, action: str, operation: str, operation_name: str | None, outcome: str, targets: list[str]
) -> None:
    """Write one entry after the mutation answered. Attempts without a key are not stored (they changed nothing and
    an anonymous flood must not become a flood of writes): they are logged."""
    viewer = ctx.viewer
    if viewer.role == "public":
        log.info("anonymous %s refused", operation, extra={"operation": operation, "outcome": outcome})
        return
    try:
        async with ctx.connection() as conn:
            await audit.record(
                conn,
                key_name=viewer.name,
                role=viewer.role,
                action=action,
                operation=operation,
                operation_name=operation_name,
                target_ids=targets,
                client_address=ctx.client,
                request_id=ctx.request_id,
                outcome=outcome,
            )
    except Exception:  # the change is committed already: failing the answer would not undo it
        log.exception("audit entry not written", extra={"operation": operation, "key": viewer.name, "outcome": outcome})


class Audited(FieldExtension):
    """Records a mutation field's outcome (OK, its first payload error's code, or the top-level error's)."""

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        result: Any = None
        outcome = "INTERNAL_SERVER_ERROR"
        try:
            result = await next_(source, info, **kwargs)
            outcome = outcome_of(result)
            return result
        except GraphQLError as e:
            outcome = str((e.extensions or {}).get("code") or "ERROR")
            raise
        finally:
            operation = info.field_name
            name = info.operation.name.value if info.operation.name else None
            await record(
                info.context,
                action="UPLOAD" if operation == "uploadReport" else "MUTATION",
                operation=operation,
                operation_name=name,
                outcome=outcome,
                targets=touched(kwargs, result),
            )


def audited(cls: type[T]) -> type[T]:
    """Class decorator for the root Mutation: every field records itself in the audit log."""
    for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(e, Audited) for e in field.extensions):
            field.extensions.append(Audited())
    return cls
