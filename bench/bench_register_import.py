"""Loading a register of 10,000 Parties from one file, as `secgov register import` does.

python -m bench.bench_register_import [--parties 10000] [--runs 3]

Writes a CSV of --parties Parties (Voting Groups of one to three Parties, every Party with an accession date, most
with DCC User Roles and a UEP date, some in default, withdrawn or expelled), then, in a fresh database each run:
checks it (pandera, polars), loads it (all or nothing, one transaction), and loads it again (the same file: nothing
changes). Prints the medians; target: a 10,000-Party file checked and loaded within 10 seconds.
Writes bench/results/register_import.json.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.setup import prepare  # noqa: E402
from bench import harness  # noqa: E402
from bench.gen_register import Postgres  # noqa: E402
from sql import db, register  # noqa: E402
from validation.register import check_register  # noqa: E402

TARGET_S = 10.0
CATEGORIES = ("LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY")
ROLES = ("IMPORT_SUPPLIER", "EXPORT_SUPPLIER", "GAS_SUPPLIER", "OTHER_USER")


def register_file(parties: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = [
        "name,category,accession_date,voting_group,user_roles,uep_date,default_date,withdrawal_date,expulsion_date,note"
    ]
    group, left, category = "", 0, CATEGORIES[0]
    for i in range(parties):
        if left == 0:
            group, left, category = f"Group {i:05d}", rng.randint(1, 3), rng.choice(CATEGORIES)
        left -= 1
        year = rng.randint(2014, 2020)
        acceded = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        roles = ";".join(f"{r}:U{i:05d}{n}" for n, r in enumerate(rng.sample(ROLES, rng.randint(0, 3))))
        uep = f"{year + 1}-06-30" if roles else ""
        default = f"{year + 2}-03-15" if rng.random() < 0.03 else ""
        exit_day = f"{year + 3}-01-31" if rng.random() < 0.05 else ""
        withdrawal, expulsion = (exit_day, "") if rng.random() < 0.5 else ("", exit_day)
        lines.append(
            f"Party {i:05d} Limited,{category},{acceded},{group},{roles},{uep},{default},{withdrawal},{expulsion},"
        )
    return ("\n".join(lines) + "\n").encode()


async def one_run(server: Postgres, data: bytes) -> dict[str, float]:
    dsn = await server.create()
    conn = await db.connect(dsn)
    try:
        await prepare(conn)
        started = time.perf_counter()
        checked = check_register(data)
        checked_s = time.perf_counter() - started
        assert not checked.errors, checked.errors[:3]
        async with conn.transaction():
            outcome = await register.import_register(conn, checked)
        loaded_s = time.perf_counter() - started - checked_s
        assert outcome.parties == len(checked.parties), outcome
        again = time.perf_counter()
        async with conn.transaction():
            outcome = await register.import_register(conn, check_register(data))
        assert outcome.parties == 0 and outcome.unchanged == len(checked.parties)
        return {
            "check_s": checked_s,
            "load_s": loaded_s,
            "total_s": checked_s + loaded_s,
            "again_s": time.perf_counter() - again,
        }
    finally:
        await conn.close()
        await server.drop(dsn)


async def run(parties: int, runs: int) -> dict[str, Any]:
    data = register_file(parties)
    server = Postgres()
    try:
        results = [await one_run(server, data) for _ in range(runs)]
    finally:
        server.close()
    medians = {k: statistics.median(r[k] for r in results) for k in results[0]}
    entry = {"case": f"{parties:,} Parties", "parties": parties, "bytes": len(data), "runs": runs, **medians}
    return {"register_import": [entry | {"target_s": TARGET_S}], "machine": harness.machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.parties, args.runs))
    harness.write("register_import", result)
    result = result["register_import"][0]
    print(
        harness.table(
            ["Parties", "file", "check (s)", "load (s)", "check + load (s)", "same file again (s)", "target (s)"],
            [
                [
                    f"{args.parties:,}",
                    f"{result['bytes']:,} B",
                    f"{result['check_s']:.2f}",
                    f"{result['load_s']:.2f}",
                    f"{result['total_s']:.2f}",
                    f"{result['again_s']:.2f}",
                    f"{TARGET_S:.0f}",
                ]
            ],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
