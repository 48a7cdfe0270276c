"""importRegister: a register file (and opening balance) loaded all or nothing (secas, admin)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import Refusal
from domain.register import CheckedFile, RowError
from domain.roles import STAFF
from schema.context import Info
from schema.errors import ErrorCode, user_error
from schema.mutation import refusal
from schema.reports.mutations import read_upload
from sql import register
from sql.register import ImportOutcome


@strawberry.type(description="Why a register load was refused: the file, row and column at fault.")
class RegisterImportError:
    code: ErrorCode = strawberry.field(
        description="INVALID_INPUT for a refused row or file; otherwise as other payloads."
    )
    message: str = strawberry.field(description="What is wrong and where, in words for a person.")
    field: str | None = strawberry.field(default=None, description="The argument at fault: file or openingBalance.")
    row: int | None = strawberry.field(default=None, description="The 1-based data row (header excluded).")
    column: str | None = strawberry.field(default=None, description="The file's column at fault.")


@strawberry.type(description="The answer to importRegister: what was (or, on a dry run, would be) stored.")
class ImportRegisterPayload:
    parties: int | None = strawberry.field(description="Parties added (those already recorded are left as they are).")
    events: int | None = strawberry.field(description="Their dated events added.")
    voting_groups: int | None = strawberry.field(description="Voting Groups added.")
    errors: list[RegisterImportError] = strawberry.field(description="Why nothing was stored; empty when it was.")


class _Refused(Exception):
    def __init__(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome


def _errors(found: list[RowError], argument: str) -> list[RegisterImportError]:
    return [
        RegisterImportError(
            code=ErrorCode.INVALID_INPUT, message=e.message, field=argument, row=e.row or None, column=e.column
        )
        for e in found
    ]


async def _checked(info: Info, kind: str, file: Any) -> CheckedFile:
    check = info.context.check_file
    if check is None:
        raise RuntimeError("no register checker is wired into this process")
    return await check(kind, await read_upload(file, info.context.max_upload_bytes))


@strawberry.type
class RegisterImportMutation:
    @strawberry.mutation(
        description="Load a register file (CSV or XLSX, a Party a row) and optionally its opening balance: all or "
        "nothing; the same file twice changes nothing (secas, admin)."
    )
    async def import_register(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The register file.")],
        opening_balance: Annotated[
            Upload | None, strawberry.argument(description="Parties and Voting Groups by category at a day.")
        ] = None,
        dry_run: Annotated[bool, strawberry.argument(description="Check and count, store nothing.")] = False,
    ) -> ImportRegisterPayload:
        refused = refusal(info, STAFF)
        if refused:
            return ImportRegisterPayload(
                parties=None,
                events=None,
                voting_groups=None,
                errors=[RegisterImportError(code=refused.code, message=refused.message)],
            )
        try:
            parties = await _checked(info, "register", file)
            balance = await _checked(info, "balance", opening_balance) if opening_balance is not None else None
        except Refusal as e:
            refusal_ = user_error(e)
            return ImportRegisterPayload(
                parties=None,
                events=None,
                voting_groups=None,
                errors=[RegisterImportError(code=refusal_.code, message=refusal_.message, field=refusal_.field)],
            )
        if parties.errors or (balance and balance.errors):
            return ImportRegisterPayload(
                parties=None,
                events=None,
                voting_groups=None,
                errors=_errors(parties.errors, "file") + _errors(balance.errors if balance else [], "openingBalance"),
            )
        try:
            async with info.context.connection() as conn, conn.transaction():
                outcome = await register.import_register(conn, parties, balance, dry_run=dry_run)
                if outcome.errors or dry_run:
                    raise _Refused(outcome)  # rolls the transaction back: all or nothing
        except _Refused as r:
            outcome = r.outcome
        return ImportRegisterPayload(
            parties=None if outcome.errors else outcome.parties,
            events=None if outcome.errors else outcome.events,
            voting_groups=None if outcome.errors else outcome.voting_groups,
            errors=_errors(outcome.errors, "file"),
        )
