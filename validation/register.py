"""The register file and its opening balance, checked as a DCC report is: parsed from CSV or XLSX, typed and
checked by a pandera model with every bad cell named by row and column, then the checks of domain.register."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandera.polars as pa
import polars as pl

from domain.register import (
    BALANCE_COLUMNS,
    CATEGORIES,
    COUNTED,
    REGISTER_COLUMNS,
    BalanceRow,
    CheckedFile,
    RegisterParty,
    RowError,
    file_errors,
    parse_user_roles,
    row_errors,
)
from validation.coerce import coerce, schema_findings
from validation.parsing import parse
from validation.schemas import ReportSchema
from validation.sheet import UnreadableFile


class RegisterRow(pa.DataFrameModel):
    """One Party of the register file."""

    name: str = pa.Field(nullable=False)
    category: str = pa.Field(isin=list(CATEGORIES))
    accession_date: date = pa.Field(nullable=False)
    voting_group: str | None = pa.Field(nullable=True)
    user_roles: str | None = pa.Field(nullable=True)
    uep_date: date | None = pa.Field(nullable=True)
    default_date: date | None = pa.Field(nullable=True)
    cured_date: date | None = pa.Field(nullable=True)
    withdrawal_date: date | None = pa.Field(nullable=True)
    expulsion_date: date | None = pa.Field(nullable=True)
    note: str | None = pa.Field(nullable=True)

    class Config:
        strict = False  # unknown extra columns are kept and ignored


class OpeningBalanceRow(pa.DataFrameModel):
    """One category of the opening balance."""

    as_of: date = pa.Field(nullable=False)
    category: str = pa.Field(isin=list(COUNTED))
    parties: int = pa.Field(ge=0)
    voting_groups: int = pa.Field(ge=0)
    source: str = pa.Field(nullable=False)

    class Config:
        strict = False


REGISTER = ReportSchema("REGISTER", RegisterRow, "name", ("name",), noun="Parties")
BALANCE = ReportSchema("OPENING_BALANCE", OpeningBalanceRow, "category", ("category",), noun="categories")


def check_register(data: bytes) -> CheckedFile:
    """The Parties of a register file, or every reason a row cannot be taken."""
    checked = CheckedFile()
    typed = _typed(data, REGISTER, REGISTER_COLUMNS[:3], checked)
    if typed is None:
        return checked
    bad_rows = {e.row for e in checked.errors}
    for record in typed.to_dicts():
        # Every row's roles are read, so a row with several faults has each one named.
        roles, why = parse_user_roles(record["user_roles"])
        if why is not None:
            checked.errors.append(RowError(record["row"], "user_roles", f"user_roles on row {record['row']}: {why}"))
        if why is not None or record["row"] in bad_rows:
            continue
        party = RegisterParty(**{**{k: record[k] for k in REGISTER_COLUMNS}, "row": record["row"], "user_roles": roles})
        errors = row_errors(party)
        checked.errors.extend(errors)
        if not errors:
            checked.parties.append(party)
    checked.errors.extend(file_errors(checked.parties))
    checked.errors.sort(key=lambda e: (e.row, e.column or ""))
    return checked


def check_balance(data: bytes) -> CheckedFile:
    """The opening balance's rows (one day, each counted category once), or every reason they cannot be taken."""
    checked = CheckedFile()
    typed = _typed(data, BALANCE, BALANCE_COLUMNS, checked)
    if typed is None:
        return checked
    bad_rows = {e.row for e in checked.errors}
    checked.balance = [
        BalanceRow(**{k: r[k] for k in ("row", *BALANCE_COLUMNS)}) for r in typed.to_dicts() if r["row"] not in bad_rows
    ]
    days = sorted({b.as_of for b in checked.balance})
    if len(days) > 1:
        checked.errors.append(RowError(0, "as_of", f"the balance gives {len(days)} days ({days[0]}, {days[1]}): one"))
    seen: dict[str, int] = {}
    for b in checked.balance:
        if b.category in seen:
            checked.errors.append(
                RowError(b.row, "category", f"category {b.category} on row {b.row} repeats row {seen[b.category]}")
            )
        seen.setdefault(b.category, b.row)
    return checked


def _typed(data: bytes, schema: ReportSchema, required: tuple[str, ...], checked: CheckedFile) -> pl.DataFrame | None:
    """The file typed by its model (`row` kept; a bad cell is null), its bad cells added to checked.errors; None
    when the file as a whole cannot be read."""
    try:
        frame = parse(data)
    except UnreadableFile as exc:
        checked.errors.append(RowError(0, None, f"the file cannot be read: {exc}"))
        return None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        checked.errors.append(
            RowError(
                0, missing[0], f"required column(s) missing: {', '.join(missing)} (found: {', '.join(frame.columns)})"
            )
        )
        return None
    frame = frame.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    blank = pl.all_horizontal(pl.col(c).is_null() for c in frame.columns if c != "row")
    frame = frame.filter(~blank)
    checked.rows = frame.height
    coerced = coerce(frame, schema)
    bad: list[dict[str, Any]] = schema_findings(coerced, schema, None).lazy().collect().to_dicts()
    checked.errors.extend(RowError(int(f["row"]), str(f["subject"]), str(f["message"])) for f in bad)
    return coerced.typed
