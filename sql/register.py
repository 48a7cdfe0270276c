"""Loading a checked register file and opening balance: all or nothing, in the caller's transaction, and a
second load of the same file changes nothing (a Party recorded with the same facts is left as it is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.register import (
    BalanceRow,
    CheckedFile,
    EventFact,
    RecordedParty,
    RegisterParty,
    RowError,
    against_register,
)
from sql.db import Conn
from sql.loader import execute, fetch

# The batch a progress line is shown after (and the most Parties compared in one read).
BATCH = 2_000


@dataclass
class ImportOutcome:
    """What a load stored (or, on a dry run, would store), or why it stored nothing."""

    parties: int = 0
    events: int = 0
    voting_groups: int = 0
    balance_rows: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


async def _recorded(conn: Conn, names: Sequence[str]) -> dict[str, RecordedParty]:
    rows = await fetch(conn, "register.recorded_parties", names=[n.lower() for n in names])
    return {
        r["name"].lower(): RecordedParty(
            r["name"],
            r["category"],
            r["group_name"],
            tuple(
                EventFact(e["kind"], date.fromisoformat(e["occurred_on"]), e["user_role"], e["user_id"])
                for e in r["events"]
            ),
        )
        for r in rows
    }


async def _groups(conn: Conn, names: Sequence[str]) -> dict[str, tuple[int, str]]:
    rows = await fetch(conn, "register.group_categories", names=sorted({n.lower() for n in names}))
    return {r["name"].lower(): (r["id"], r["category"]) for r in rows}


async def _store_parties(
    conn: Conn, new: Sequence[RegisterParty], groups: dict[str, tuple[int, str]]
) -> tuple[int, int]:
    """Insert the new Voting Groups, Parties and events in three statements; returns (groups, events) made."""
    missing: dict[str, RegisterParty] = {}
    for p in new:
        if p.group_name.lower() not in groups:
            missing.setdefault(p.group_name.lower(), p)
    made = await fetch(
        conn,
        "register.insert_groups",
        names=[p.group_name for p in missing.values()],
        categories=[p.category for p in missing.values()],
    )
    for r in made:  # by name: RETURNING's order is not promised
        groups[r["name"].lower()] = (r["id"], missing[r["name"].lower()].category)
    ids = await fetch(
        conn,
        "register.insert_parties",
        names=[p.name for p in new],
        categories=[p.category for p in new],
        group_ids=[groups[p.group_name.lower()][0] for p in new],
        notes=[p.note for p in new],
    )
    party_id = {r["name"].lower(): r["id"] for r in ids}
    columns: tuple[list[object], ...] = ([], [], [], [], [], [])
    for p in new:
        events = p.events()
        for i, e in enumerate(events):
            # The row's note explains its latest event (the default, withdrawal or expulsion a footnote names).
            note = p.note if i == len(events) - 1 else None
            for column, value in zip(
                columns, (party_id[p.name.lower()], e.kind, e.occurred_on, e.user_role, e.user_id, note), strict=True
            ):
                column.append(value)
    await execute(
        conn,
        "register.insert_events",
        party_ids=columns[0],
        kinds=columns[1],
        days=columns[2],
        roles=columns[3],
        user_ids=columns[4],
        notes=columns[5],
    )
    return len(made), len(columns[0])


async def _store_balance(conn: Conn, balance: Sequence[BalanceRow], outcome: ImportOutcome, *, dry_run: bool) -> None:
    """The balance's rows not yet recorded; a recorded one with other figures is refused."""
    if not balance:
        return
    held = {r["category"]: r for r in await fetch(conn, "register.balance_rows", as_of=balance[0].as_of)}
    new = []
    for b in balance:
        was = held.get(b.category)
        if was is None:
            new.append(b)
        elif (was["parties"], was["voting_groups"], was["source"]) != (b.parties, b.voting_groups, b.source):
            outcome.errors.append(
                RowError(
                    b.row,
                    "category",
                    f"the opening balance of {b.as_of} for {b.category} (row {b.row}) is already recorded as "
                    f"{was['parties']} Parties, {was['voting_groups']} Voting Groups from {was['source']!r}",
                )
            )
    if new and not outcome.errors and not dry_run:
        await execute(
            conn,
            "register.insert_balance",
            days=[b.as_of for b in new],
            categories=[b.category for b in new],
            parties=[b.parties for b in new],
            groups=[b.voting_groups for b in new],
            sources=[b.source for b in new],
        )
    outcome.balance_rows = len(new)


async def import_register(
    conn: Conn,
    register: CheckedFile,
    balance: CheckedFile | None = None,
    *,
    dry_run: bool = False,
) -> ImportOutcome:
    """Load a checked register file (and opening balance) in the caller's transaction. Any refused row refuses
    the whole load: nothing is written once a row is refused, and nothing at all on a dry run."""
    outcome = ImportOutcome(errors=[*register.errors, *(balance.errors if balance else [])])
    if outcome.errors:
        return outcome
    rows = register.parties
    recorded: dict[str, RecordedParty] = {}
    for start in range(0, len(rows), BATCH):
        recorded |= await _recorded(conn, [p.name for p in rows[start : start + BATCH]])
    groups = await _groups(conn, [p.group_name for p in rows])
    new, errors = against_register(rows, recorded, {k: c for k, (_, c) in groups.items()})
    outcome.errors.extend(errors)
    outcome.unchanged = len(rows) - len(new) - len(errors)
    await _store_balance(conn, balance.balance if balance else [], outcome, dry_run=dry_run)
    if outcome.errors:
        return outcome
    outcome.parties = len(new)
    outcome.events = sum(len(p.events()) for p in new)
    if dry_run or not new:
        outcome.voting_groups = len({p.group_name.lower() for p in new} - set(groups))
        return outcome
    outcome.voting_groups, outcome.events = await _store_parties(conn, new, groups)
    return outcome


async def opening_balance(conn: Conn) -> list[BalanceRow]:
    """The register's opening balance, by category (empty without one)."""
    return [
        BalanceRow(0, r["as_of"], r["category"], r["parties"], r["voting_groups"], r["source"])
        for r in await fetch(conn, "register.opening_balance")
    ]
