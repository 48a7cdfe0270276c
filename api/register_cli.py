"""`secgov register import FILE [--opening-balance FILE] [--dry-run]`: a register file loaded all or nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from domain.register import CheckedFile, RowError
from domain.viewer import Viewer
from services.register_import import Check, Imported, ReadFile, import_register
from sql import db
from sql.db import Conn


def _progress(message: str) -> None:
    """One progress line, rewritten in place on a terminal."""
    if sys.stderr.isatty():
        print(f"\r\x1b[2K{message}", end="", file=sys.stderr, flush=True)
    else:
        print(message, file=sys.stderr)


def _print_errors(errors: list[RowError], where: str) -> None:
    for e in errors[:200]:
        column = f" [{e.column}]" if e.column else ""
        print(f"{where}: row {e.row}{column}: {e.message}" if e.row else f"{where}{column}: {e.message}")
    if len(errors) > 200:
        print(f"... and {len(errors) - 200:,} more")


# The command line is the operator's own door: it may do what an admin may.
OPERATOR = Viewer(role="admin", name="secgov register import")


def _checker(names: dict[str, str]) -> Check:
    """Checks in this process, a progress line before and after each file (`names`: each kind's file name)."""
    # Imported here: only this command loads polars and pandera (the composition root may).
    from validation.register import check_balance, check_register

    async def check(kind: str, data: bytes) -> CheckedFile:
        _progress(f"checking {names[kind]} ...")
        checked = (check_register if kind == "register" else check_balance)(data)
        _progress(f"checked {names[kind]}: {checked.rows:,} rows, {len(checked.errors):,} refused")
        return checked

    return check


def _reader(path: Path) -> ReadFile:
    async def read() -> bytes:
        return await asyncio.to_thread(path.read_bytes)

    return read


async def _import(args: argparse.Namespace, database_url: str) -> Imported:
    @asynccontextmanager
    async def connection() -> AsyncIterator[Conn]:
        conn = await db.connect(database_url)
        try:
            yield conn
        finally:
            await conn.close()

    path, balance = Path(args.file), Path(args.opening_balance) if args.opening_balance else None
    names = {"register": path.name, "balance": balance.name if balance else ""}
    return await import_register(
        connection,
        OPERATOR,
        _checker(names),
        _reader(path),
        None if balance is None else _reader(balance),
        dry_run=args.dry_run,
        storing=lambda n: _progress(f"comparing {n:,} Parties with the register and storing ..."),
    )


def cmd_register(args: argparse.Namespace, database_url: str) -> int:
    started = time.perf_counter()
    imported = asyncio.run(_import(args, database_url))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if imported.refused:
        _print_errors(imported.register_errors, Path(args.file).name)
        if imported.balance_errors:
            _print_errors(imported.balance_errors, Path(args.opening_balance).name)
        print("nothing stored: correct the rows above and import the file again", file=sys.stderr)
        return 1
    outcome = imported.outcome
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {outcome.parties:,} Parties, {outcome.events:,} events, {outcome.voting_groups:,} Voting Groups"
        f"{f', {outcome.balance_rows} opening balance rows' if outcome.balance_rows else ''}; "
        f"{outcome.unchanged:,} already recorded, unchanged ({time.perf_counter() - started:.1f} s)"
    )
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reg = sub.add_parser("register", help="load the register from a file")
    reg_sub = reg.add_subparsers(dest="register_command", required=True)
    imp = reg_sub.add_parser(
        "import", help="a CSV or XLSX of Parties, all or nothing; the same file twice changes nothing"
    )
    imp.add_argument("file")
    imp.add_argument("--opening-balance", metavar="FILE", help="Parties and Voting Groups by category at a day")
    imp.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
