"""`secgov register import FILE [--opening-balance FILE] [--dry-run]`: a register file loaded all or nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from domain.register import CheckedFile, RowError
from sql import db, register


class _Refused(Exception):
    """Raised inside the transaction so that it rolls back."""


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


def _check(path: Path, kind: str) -> CheckedFile:
    # Imported here: only this command loads polars and pandera (the composition root may).
    from validation.register import check_balance, check_register

    _progress(f"checking {path.name} ...")
    checked = (check_register if kind == "register" else check_balance)(path.read_bytes())
    _progress(f"checked {path.name}: {checked.rows:,} rows, {len(checked.errors):,} refused")
    return checked


async def _load(
    database_url: str, parties: CheckedFile, balance: CheckedFile | None, dry_run: bool
) -> register.ImportOutcome:
    conn = await db.connect(database_url)
    try:
        try:
            async with conn.transaction():
                _progress(f"comparing {len(parties.parties):,} Parties with the register and storing ...")
                outcome = await register.import_register(conn, parties, balance, dry_run=dry_run)
                if outcome.errors or dry_run:
                    raise _Refused
        except _Refused:
            pass
        return outcome
    finally:
        await conn.close()


def cmd_register(args: argparse.Namespace, database_url: str) -> int:
    started = time.perf_counter()
    path = Path(args.file)
    parties = _check(path, "register")
    balance = _check(Path(args.opening_balance), "balance") if args.opening_balance else None
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if parties.errors or (balance and balance.errors):
        _print_errors(parties.errors, path.name)
        if balance:
            _print_errors(balance.errors, Path(args.opening_balance).name)
        print("nothing stored: correct the rows above and import the file again", file=sys.stderr)
        return 1
    outcome = asyncio.run(_load(database_url, parties, balance, args.dry_run))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if outcome.errors:
        _print_errors(outcome.errors, path.name)
        print("nothing stored: correct the rows above and import the file again", file=sys.stderr)
        return 1
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
