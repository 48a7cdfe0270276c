"""Applies the numbered migrations in sql/migrations once each, recorded in schema_migrations."""

from __future__ import annotations

from pathlib import Path

from sql.db import Conn

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any number that no other advisory lock of ours uses: two migrators never run at once.
_LOCK = 7_301_001


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.sql"))]


async def apply(conn: Conn) -> list[str]:
    """Apply the migrations not yet applied; return their versions (empty when up to date)."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    applied: list[str] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for version, text in migrations():
            if version in done:
                continue
            await conn.execute(text)
            await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied.append(version)
        if applied and await conn.fetchval("SELECT to_regproc('data_version_track') IS NOT NULL"):
            # Tables added by these migrations raise the data version when written, like the others.
            await conn.execute("SELECT data_version_track()")
    return applied
