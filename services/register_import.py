"""Import the register: the one use case behind the importRegister mutation and `secgov register import`.

The door hands in how to read its files and how to check them (the API checks in a child process, the command line
in its own; this room never loads polars or pandera); this checks the role once, reads and checks the files, and
loads them all or nothing in one transaction, which a refused row or a dry run rolls back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from domain.register import CheckedFile, RowError
from domain.roles import STAFF, check_role
from domain.viewer import Viewer
from sql import register
from sql.db import Conn
from sql.register import ImportOutcome

# Checks a file's bytes as "register" or "balance" (domain.register.CheckedFile: its rows, or why they are refused).
Check = Callable[[str, bytes], Awaitable[CheckedFile]]
# Reads one file (called once the role is checked, so a refused caller's files are never read).
ReadFile = Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class Imported:
    """What the load stored (or, on a dry run, would store), or the rows of each file that refused it."""

    outcome: ImportOutcome
    register_errors: list[RowError] = field(default_factory=list)
    balance_errors: list[RowError] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.register_errors or self.balance_errors)


class _RolledBack(Exception):
    """Raised inside the transaction so that it rolls back: all or nothing."""

    def __init__(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome


async def import_register(
    connection: Callable[[], AbstractAsyncContextManager[Conn]],
    viewer: Viewer,
    check: Check,
    read_register: ReadFile,
    read_balance: ReadFile | None = None,
    *,
    dry_run: bool = False,
    storing: Callable[[int], None] = lambda parties: None,
) -> Imported:
    """Check and load a register file (and its opening balance); `storing` hears how many Parties are compared with
    the register once the files are checked. Raises a refusal when the viewer may not import."""
    check_role(viewer.role, STAFF)
    parties = await check("register", await read_register())
    balance = None if read_balance is None else await check("balance", await read_balance())
    balance_errors = balance.errors if balance else []
    if parties.errors or balance_errors:
        return Imported(ImportOutcome(errors=[*parties.errors, *balance_errors]), parties.errors, balance_errors)
    storing(len(parties.parties))
    async with connection() as conn:
        try:
            async with conn.transaction():
                outcome = await register.import_register(conn, parties, balance, dry_run=dry_run)
                if outcome.errors or dry_run:
                    raise _RolledBack(outcome)
        except _RolledBack as rolled_back:
            outcome = rolled_back.outcome
    return Imported(outcome, outcome.errors)
