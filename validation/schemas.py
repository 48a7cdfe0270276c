"""The pandera models of the report types that have a schema (their columns as domain.report_rows names them), and
what the pipeline derives from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

import pandera.polars as pa
import polars as pl

from domain.limits import MAX_SUBJECT_CHARS
from domain.report_rows import REPORT_ROWS

PROVIDERS = ("CODE", "DSP", "CSP_N", "CSP_C", "CSP_S")
INCIDENT_STATUSES = ("OPEN", "RESOLVED")
_PERCENT = {"min_value": 0, "max_value": 100}
# A column that names the subject holds what the store can index (domain.limits).
_SUBJECT = {"max_value": MAX_SUBJECT_CHARS}


class SrVariance(pa.DataFrameModel):
    """SR_VARIANCE: Service Requests sent against forecast, per User ID (and service)."""

    user_id: str = pa.Field(nullable=False, str_length=_SUBJECT)
    forecast: int = pa.Field(ge=0)
    actual: int = pa.Field(ge=0)
    user_role: str | None = pa.Field(nullable=True)
    service: str | None = pa.Field(nullable=True, str_length=_SUBJECT)
    party_name: str | None = pa.Field(nullable=True)

    class Config:
        strict = False  # unknown extra columns are kept and ignored


class CsrVariance(pa.DataFrameModel):
    """CSR_VARIANCE: Certificate Signing Requests sent against forecast, per subscriber."""

    subscriber: str = pa.Field(nullable=False, str_length=_SUBJECT)
    forecast: int = pa.Field(ge=0)
    actual: int = pa.Field(ge=0)
    party_name: str | None = pa.Field(nullable=True)

    class Config:
        strict = False


class Pmr(pa.DataFrameModel):
    """PMR: each performance measure's achieved percentage, per provider."""

    measure: str = pa.Field(nullable=False, str_length=_SUBJECT)
    provider: str = pa.Field(isin=list(PROVIDERS))
    # Blank: no data for the month ("above Target where data is available"), not an error; it is not checked.
    actual_pct: float | None = pa.Field(in_range=_PERCENT, nullable=True)
    target_pct: float | None = pa.Field(in_range=_PERCENT, nullable=True)
    minimum_pct: float | None = pa.Field(in_range=_PERCENT, nullable=True)
    name: str | None = pa.Field(nullable=True)
    volume: int | None = pa.Field(ge=0, nullable=True)

    class Config:
        strict = False


class RdpIncident(pa.DataFrameModel):
    """RDP_INCIDENT: incidents raised by Registration Data Providers."""

    incident_ref: str = pa.Field(nullable=False, str_length=_SUBJECT)
    rdp: str = pa.Field(nullable=False)
    raised_on: date = pa.Field(nullable=False)
    status: str = pa.Field(isin=list(INCIDENT_STATUSES))
    resolved_on: date | None = pa.Field(nullable=True)
    category: str | None = pa.Field(nullable=True)
    summary: str | None = pa.Field(nullable=True)

    class Config:
        strict = False


Kind = Literal["text", "choice", "count", "percent", "date"]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column as the pipeline needs it, read off the pandera model."""

    name: str
    kind: Kind
    dtype: pl.DataType
    required: bool
    nullable: bool
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[str, ...] = ()
    max_chars: int | None = None  # text: the longest value the column may hold


@dataclass(frozen=True, slots=True)
class ReportSchema:
    """A schema'd report type: its pandera model, the column naming the subject, how the subject is built."""

    code: str
    model: type[pa.DataFrameModel]
    key: str
    subject_parts: tuple[str, ...]
    noun: str = "requests"

    def __post_init__(self) -> None:
        # A report type's column names are domain.report_rows'; the model adds each one's type and checks, in the
        # same order. (A register file is checked with a schema too, and keeps no rows of a report type.)
        rows = REPORT_ROWS.get(self.code)
        declared = tuple(c.name for c in column_specs(self.model))
        if rows is not None and declared != rows.columns:
            raise TypeError(
                f"{self.model.__name__} declares {declared}, not {self.code}'s columns in domain.report_rows"
            )

    @property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema (pandera caches it per model)."""
        return self.model.to_schema()

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        """The model's columns in declaration order."""
        return column_specs(self.model)

    def subject(self) -> pl.Expr:
        """The subject of a row: the key, joined with the other parts by '/' when they are given."""
        subject = pl.col(self.subject_parts[0])
        for part in self.subject_parts[1:]:
            subject = pl.when(pl.col(part).is_null()).then(subject).otherwise(subject + "/" + pl.col(part))
        return subject.alias("subject")


@cache
def column_specs(model: type[pa.DataFrameModel]) -> tuple[ColumnSpec, ...]:
    """Derive each column's kind and bounds from the pandera model, so the model is the single source."""
    specs = []
    for name, column in model.to_schema().columns.items():
        dtype = column.dtype.type
        stats: dict[str, object] = {}
        for check in column.checks:
            stats.update(check.statistics or {})
        allowed = stats.get("allowed_values")
        choices = tuple(str(v) for v in allowed) if isinstance(allowed, (list, tuple, set, frozenset)) else ()
        kind: Kind
        if dtype == pl.Int64:
            kind = "count"
        elif dtype == pl.Float64:
            kind = "percent"
        elif dtype == pl.Date:
            kind = "date"
        else:
            kind = "choice" if choices else "text"
        longest = stats.get("max_value") if kind == "text" else None
        specs.append(
            ColumnSpec(
                name=str(name),
                kind=kind,
                dtype=dtype,
                required=bool(column.required),
                nullable=bool(column.nullable),
                min_value=_number(stats.get("min_value")) if kind != "text" else None,
                max_value=_number(stats.get("max_value")) if kind != "text" else None,
                choices=choices,
                max_chars=int(longest) if isinstance(longest, int) else None,
            )
        )
    return tuple(specs)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


SCHEMAS: dict[str, ReportSchema] = {
    "SR_VARIANCE": ReportSchema("SR_VARIANCE", SrVariance, "user_id", ("user_id", "service")),
    "CSR_VARIANCE": ReportSchema("CSR_VARIANCE", CsrVariance, "subscriber", ("subscriber",)),
    "PMR": ReportSchema("PMR", Pmr, "measure", ("measure", "provider"), noun="measures"),
    "RDP_INCIDENT": ReportSchema("RDP_INCIDENT", RdpIncident, "incident_ref", ("incident_ref",), noun="incidents"),
}
