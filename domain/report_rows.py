"""The columns of each report type's rows, spelled once: the file's columns the validation's schema declares, and the
table the store keeps the parsed rows in (each row's number and subject first, then the file's columns)."""

from __future__ import annotations

from dataclasses import dataclass

# What every parsed row carries before the file's own columns: its 1-based row in the file and the subject it names.
ROW_KEYS = ("row", "subject")


@dataclass(frozen=True, slots=True)
class ReportRows:
    """A report type's parsed rows: the table that keeps them and the file's columns, in order."""

    table: str
    columns: tuple[str, ...]

    @property
    def stored(self) -> tuple[str, ...]:
        """The table's columns after submission_id, in COPY order."""
        return (*ROW_KEYS, *self.columns)


REPORT_ROWS: dict[str, ReportRows] = {
    "SR_VARIANCE": ReportRows(
        "sr_variance_rows", ("user_id", "forecast", "actual", "user_role", "service", "party_name")
    ),
    "CSR_VARIANCE": ReportRows("csr_variance_rows", ("subscriber", "forecast", "actual", "party_name")),
    "PMR": ReportRows("pmr_rows", ("measure", "provider", "actual_pct", "target_pct", "minimum_pct", "name", "volume")),
    "RDP_INCIDENT": ReportRows(
        "rdp_incident_rows",
        ("incident_ref", "rdp", "raised_on", "status", "resolved_on", "category", "summary"),
    ),
}
