"""Modifications and their dated events."""

from __future__ import annotations

import re
from datetime import date

from sql.db import Conn
from sql.errors import Conflict, InvalidInput, NotFound
from sql.loader import execute, fetch, fetchrow, fetchval
from sql.rows import ModificationEventRow, ModificationRow, from_record, from_records

REFERENCE = re.compile(r"^(SECMP\d{4}|DP\d{3,4}|MP\d{3,4})[A-Z]?$")


def check_reference(reference: str, *, field: str = "reference") -> str:
    """The canonical (upper-case) reference, or InvalidInput naming the formats."""
    ref = reference.strip().upper()
    if not REFERENCE.match(ref):
        raise InvalidInput(
            f"{reference!r} is not a modification reference (SECMPnnnn, DPnnn or MPnnn, optionally a split letter)",
            field=field,
        )
    return ref


async def page(
    conn: Conn,
    *,
    stage: str | None,
    path: str | None,
    text_contains: str | None,
    raised_from: date | None,
    raised_to: date | None,
    after: str | None,
    limit: int,
    before: str | None = None,
    backward: bool = False,
) -> list[ModificationRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "modifications.page_backward" if backward else "modifications.page",
        stage=stage,
        path=path,
        text_contains=text_contains,
        raised_from=raised_from,
        raised_to=raised_to,
        after_reference=after,
        before_reference=before,
        limit=limit,
    )
    return from_records(ModificationRow, rows)


async def count(
    conn: Conn,
    *,
    stage: str | None,
    path: str | None,
    text_contains: str | None,
    raised_from: date | None,
    raised_to: date | None,
) -> int:
    n: int = await fetchval(
        conn,
        "modifications.count",
        stage=stage,
        path=path,
        text_contains=text_contains,
        raised_from=raised_from,
        raised_to=raised_to,
    )
    return n


async def by_reference(conn: Conn, *, reference: str) -> ModificationRow | None:
    row = await fetchrow(conn, "modifications.by_reference", reference=reference)
    return from_record(ModificationRow, row) if row else None


async def by_ids(conn: Conn, *, ids: list[int]) -> list[ModificationRow]:
    return from_records(ModificationRow, await fetch(conn, "modifications.by_ids", ids=ids))


async def events_by_modifications(conn: Conn, *, ids: list[int]) -> list[ModificationEventRow]:
    return from_records(ModificationEventRow, await fetch(conn, "modifications.events_by_modifications", ids=ids))


async def create(
    conn: Conn,
    *,
    reference: str,
    title: str,
    path: str | None,
    stage: str | None,
    proposer: str | None,
    raised_on: date | None,
    working_group: str | None,
    release: str | None,
    implemented_on: date | None = None,
    former_references: list[str] | None = None,
    parties_impacted: list[str] | None = None,
    sec_sections: list[str] | None = None,
) -> int:
    ref = check_reference(reference)
    formers = [check_reference(r, field="formerReferences") for r in former_references or []]
    if not title.strip():
        raise InvalidInput("a modification needs a title", field="title")
    for candidate in (ref, *formers):
        if await by_reference(conn, reference=candidate) is not None:
            raise Conflict(
                f"{candidate} is already the reference (or a former one) of a modification", field="reference"
            )
    new_id: int | None = await fetchval(
        conn,
        "modifications.insert",
        reference=ref,
        former_references=formers,
        title=title.strip(),
        path=path,
        stage=stage,
        proposer=proposer,
        raised_on=raised_on,
        working_group=working_group,
        release=release,
        implemented_on=implemented_on,
        parties_impacted=parties_impacted or [],
        sec_sections=sec_sections or [],
    )
    if new_id is None:
        raise Conflict(f"modification {ref} already exists", field="reference")
    return new_id


async def update(
    conn: Conn,
    *,
    id: int,
    title: str | None,
    path: str | None,
    proposer: str | None,
    working_group: str | None,
    release: str | None,
    implemented_on: date | None,
    new_reference: str | None,
) -> int:
    ref = check_reference(new_reference, field="newReference") if new_reference else None
    if ref:
        other = await by_reference(conn, reference=ref)
        if other is not None and other.id != id:
            raise Conflict(f"modification {ref} already exists", field="newReference")
    found: int | None = await fetchval(
        conn,
        "modifications.update",
        id=id,
        title=title,
        path=path,
        proposer=proposer,
        working_group=working_group,
        release=release,
        implemented_on=implemented_on,
        new_reference=ref,
    )
    if found is None:
        raise NotFound("no such modification", field="id")
    return found


async def record_event(
    conn: Conn,
    *,
    modification_id: int,
    kind: str,
    occurred_on: date,
    note: str | None,
    stage: str | None,
    body_id: int | None,
    outcome: str | None,
) -> int:
    if await fetchval(conn, "modifications.lock", id=modification_id) is None:
        raise NotFound("no such modification", field="modificationId")
    event_id: int = await fetchval(
        conn,
        "modifications.insert_event",
        modification_id=modification_id,
        kind=kind,
        occurred_on=occurred_on,
        note=note,
        stage=stage,
        body_id=body_id,
        outcome=outcome,
    )
    await execute(conn, "modifications.refresh_stage", id=modification_id)
    return event_id
