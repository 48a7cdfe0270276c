"""Generate a synthetic SR_VARIANCE CSV for benchmarks: python -m bench.gen_sr_variance ROWS [--bad 0.1] -o FILE."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

ROLES = ("IMPORT_SUPPLIER", "EXPORT_SUPPLIER", "GAS_SUPPLIER", "ELECTRICITY_DISTRIBUTOR", "GAS_TRANSPORTER")
SERVICES = ("SR1.1", "SR1.2", "SR1.6", "SR2.1", "SR4.1", "SR6.15", "SR8.1", "SR11.2")


def generate(rows: int, bad_fraction: float = 0.0, seed: int = 0, above: float = 0.0) -> bytes:
    """A CSV of `rows` data rows; about `bad_fraction` of them carry a bad value (text, negative or empty), and
    about `above` of them (besides the usual 2% far outside the band) sent 120% to 200% of their forecast."""
    if rows < 0 or not 0.0 <= bad_fraction <= 1.0:
        raise ValueError("rows must be >= 0 and bad_fraction within 0..1")
    index = pl.int_range(rows, dtype=pl.Int64, eager=True).alias("i")
    frame = pl.DataFrame(index)
    # Random numbers from polars (hash of the row index and the seed): no numpy needed, reproducible.
    u = [(pl.col("i").hash(seed * 7 + k) % 1_000_000).cast(pl.Float64) / 1_000_000 for k in range(4)]
    forecast = (u[0] * u[0] * 2_000_000).cast(pl.Int64) + 1
    # Most actuals within +/-8% of forecast; about 2% far outside the tolerance band.
    near = forecast.cast(pl.Float64) * (0.92 + 0.16 * u[1])
    far = forecast.cast(pl.Float64) * (3.0 * u[1])
    high = forecast.cast(pl.Float64) * (1.2 + 0.8 * u[1])
    actual = pl.when(u[2] < 0.02).then(far).when(u[2] < 0.02 + above).then(high).otherwise(near).round(0).cast(pl.Int64)
    frame = frame.select(
        pl.format("U{}", (pl.col("i") // len(SERVICES)).cast(pl.String).str.zfill(7)).alias("user_id"),
        pl.col("i").mod(len(ROLES)).replace_strict(dict(enumerate(ROLES)), return_dtype=pl.String).alias("user_role"),
        pl.col("i")
        .mod(len(SERVICES))
        .replace_strict(dict(enumerate(SERVICES)), return_dtype=pl.String)
        .alias("service"),
        forecast.cast(pl.String).alias("forecast"),
        actual.cast(pl.String).alias("actual"),
        u[3].alias("_u"),
    )
    if bad_fraction > 0:
        # Spread the bad values over three kinds: non-numeric forecast, negative actual, empty user_id.
        third = bad_fraction / 3
        frame = frame.with_columns(
            pl.when(pl.col("_u") < third).then(pl.lit("n/a")).otherwise(pl.col("forecast")).alias("forecast"),
            pl.when((pl.col("_u") >= third) & (pl.col("_u") < 2 * third))
            .then(pl.lit("-5"))
            .otherwise(pl.col("actual"))
            .alias("actual"),
            pl.when((pl.col("_u") >= 2 * third) & (pl.col("_u") < bad_fraction))
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.col("user_id"))
            .alias("user_id"),
        )
    return frame.drop("_u").write_csv().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int)
    parser.add_argument("--bad", type=float, default=0.0, help="fraction of rows with a bad value")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--above", type=float, default=0.0, help="fraction of rows above the band")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    args.output.write_bytes(generate(args.rows, args.bad, args.seed, args.above))
    return 0


if __name__ == "__main__":
    sys.exit(main())
