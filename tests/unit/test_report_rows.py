"""The report types' columns are spelled once (domain.report_rows): the pandera models declare exactly them."""

from __future__ import annotations

import pandera.polars as pa
import pytest

from domain.report_rows import REPORT_ROWS, ROW_KEYS
from validation.schemas import SCHEMAS, ReportSchema, column_specs


def test_every_model_declares_its_report_types_columns_in_order() -> None:
    assert set(SCHEMAS) == set(REPORT_ROWS)
    for code, schema in SCHEMAS.items():
        assert tuple(c.name for c in column_specs(schema.model)) == REPORT_ROWS[code].columns
        assert REPORT_ROWS[code].stored[: len(ROW_KEYS)] == ("row", "subject")


def test_a_model_that_drifts_from_the_columns_is_refused() -> None:
    class Drifted(pa.DataFrameModel):
        subscriber: str
        forecast: int

    with pytest.raises(TypeError, match=r"Drifted declares \('subscriber', 'forecast'\), not CSR_VARIANCE's columns"):
        ReportSchema("CSR_VARIANCE", Drifted, "subscriber", ("subscriber",))
