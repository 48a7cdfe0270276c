"""Real PostgreSQL for tests: the server from DATABASE_URL (CI) or a private pgserver, one database per test."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.setup import prepare


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


class Server:
    """Where test databases are made: never touches databases it did not create."""

    def __init__(self) -> None:
        self._embedded = None
        url = os.environ.get("DATABASE_URL")
        if url:
            self.admin_dsn = url
        else:
            import pgserver

            path = Path(tempfile.mkdtemp(prefix="secgov-test-pg-"))
            self._embedded = pgserver.get_server(path, cleanup_mode="delete")
            self.admin_dsn = self._embedded.get_uri()
        self.template = f"secgov_tmpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(self._make_template())

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.admin_dsn)

    async def _make_template(self) -> None:
        admin = await self._admin()
        try:
            await admin.execute(f'CREATE DATABASE "{self.template}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(with_database(self.admin_dsn, self.template))
        try:
            await prepare(conn)
        finally:
            await conn.close()

    async def create(self, *, empty: bool = False) -> str:
        """A new database (migrated, unless empty) and its DSN."""
        name = f"secgov_t_{uuid.uuid4().hex[:12]}"
        admin = await self._admin()
        try:
            template = "template0" if empty else self.template
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await admin.close()
        return with_database(self.admin_dsn, name)

    async def drop(self, dsn: str) -> None:
        name = urlsplit(dsn).path.lstrip("/")
        assert name.startswith("secgov_t_"), name
        admin = await self._admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    def close(self) -> None:
        async def drop_template() -> None:
            admin = await self._admin()
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            finally:
                await admin.close()

        asyncio.run(drop_template())
        if self._embedded is not None:
            self._embedded.cleanup()
