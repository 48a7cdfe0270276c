"""The parameters a validation run takes from the report catalogue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceLevel:
    """A measure's Target and Minimum Service Level; provider None applies to every provider."""

    measure: str
    provider: str | None
    target_pct: float | None
    minimum_pct: float | None


@dataclass(frozen=True)
class ReportSpec:
    """One catalogue report type, as far as validation needs it."""

    code: str
    sec_clause: str | None
    tolerance_lower_pct: float | None = 90.0
    tolerance_upper_pct: float | None = 110.0
    service_levels: tuple[ServiceLevel, ...] = ()
    # Volumes below forecast are information for the Operations Group; a catalogue version may raise them.
    below_tolerance_severity: str = "INFO"
    # The catalogue parameters still to be confirmed ("tolerance_upper_pct", ...): shown as "(TBC)" in messages.
    tbc: tuple[str, ...] = ()
