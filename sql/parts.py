"""Rows that belong to another object, found by their own id (sql/queries/parts.sql): node(id:) for a finding, a
validation run, an exception's history entry, an audit entry, a modification's event."""

from __future__ import annotations

from typing import Any, TypeVar

from sql.audit import AuditRow
from sql.db import Conn
from sql.loader import fetch
from sql.rows import FindingRow, HistoryRow, ModificationEventRow, RunRow, from_records

T = TypeVar("T")

# The GraphQL type's name → (the statement, its row).
PARTS: dict[str, tuple[str, type[Any]]] = {
    "Finding": ("parts.findings", FindingRow),
    "ValidationRun": ("parts.runs", RunRow),
    "HistoryEntry": ("parts.history", HistoryRow),
    "AuditEntry": ("parts.audit", AuditRow),
    "ModificationEvent": ("parts.modification_events", ModificationEventRow),
}


async def by_id(conn: Conn, type_name: str, pk: int) -> Any | None:
    """The row of that type with that id, or None."""
    statement, row = PARTS[type_name]
    found = from_records(row, await fetch(conn, statement, ids=[pk]))
    return found[0] if found else None
