"""importRegister: a register file (and opening balance) loaded all or nothing (secas, admin)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import Refusal
from domain.register import RowError
from schema.context import Info
from schema.errors import ErrorCode, user_error
from schema.reports.mutations import read_upload
from services.register_import import ReadFile, import_register


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


def _errors(found: list[RowError], argument: str) -> list[RegisterImportError]:
    return [
        RegisterImportError(
            code=ErrorCode.INVALID_INPUT, message=e.message, field=argument, row=e.row or None, column=e.column
        )
        for e in found
    ]


def _refused(errors: list[RegisterImportError]) -> ImportRegisterPayload:
    return ImportRegisterPayload(parties=None, events=None, voting_groups=None, errors=errors)


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
        ctx = info.context
        check = ctx.check_file
        if check is None:
            raise RuntimeError("no register checker is wired into this process")

        def reader(upload: Any) -> ReadFile:
            return lambda: read_upload(upload, ctx.max_upload_bytes)

        try:
            imported = await import_register(
                ctx.connection,
                ctx.viewer,
                check,
                reader(file),
                None if opening_balance is None else reader(opening_balance),
                dry_run=dry_run,
            )
        except Refusal as e:
            refused = user_error(e)
            return _refused([RegisterImportError(code=refused.code, message=refused.message, field=refused.field)])
        if imported.refused:
            return _refused(
                _errors(imported.register_errors, "file") + _errors(imported.balance_errors, "openingBalance")
            )
        outcome = imported.outcome
        return ImportRegisterPayload(
            parties=outcome.parties, events=outcome.events, voting_groups=outcome.voting_groups, errors=[]
        )
