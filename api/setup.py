"""Preparing a database: migrations, then the bank holidays the working-day calendar needs."""

from __future__ import annotations

from datetime import date

from sql import catalogue, migrate
from sql.db import Conn
from validation.calendar import bank_holidays

FIRST_YEAR = 2016


async def prepare(conn: Conn) -> list[str]:
    """Apply what is pending and (re)write England and Wales bank holidays from 2016 to five years ahead."""
    applied = await migrate.apply(conn)
    async with conn.transaction():
        await catalogue.write_bank_holidays(conn, bank_holidays(FIRST_YEAR, date.today().year + 5))
    return applied
