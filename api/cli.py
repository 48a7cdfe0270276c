"""The `secgov` command (docs/operations.md, "Commands")."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from api import documents, embedded, register_cli
from api.settings import Settings
from domain.errors import Refusal
from sql import db, health, keys

Command = Callable[[argparse.Namespace, Settings], int]


def fail(message: str) -> int:
    print(f"secgov: {message}", file=sys.stderr)
    return 2


def resolve_urls(settings: Settings, *, need_broker: bool = False) -> Settings:
    """DATABASE_URL / BROKER_URL, else those of a running `secgov up` under SECGOV_DATA, else a clear failure."""
    database_url, broker_url = settings.database_url, settings.broker_url
    if not database_url or (need_broker and not broker_url):
        found = embedded.running(settings.data_dir)
        if found:
            database_url = database_url or found["database_url"]
            broker_url = broker_url or found["broker_url"]
    if not database_url:
        raise SystemExit(
            fail(
                "no database: set DATABASE_URL (e.g. postgresql://user@host/db) or start `secgov up` "
                f"with SECGOV_DATA={settings.data_dir}"
            )
        )
    if need_broker and not broker_url:
        raise SystemExit(fail("no broker: set BROKER_URL (amqp://... or redis://...) or start `secgov up`"))
    return settings.replace(database_url=database_url, broker_url=broker_url)


async def _migrate(database_url: str) -> list[str]:
    from api.setup import prepare

    conn = await db.connect(database_url)
    try:
        return await prepare(conn)
    finally:
        await conn.close()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    settings = resolve_urls(settings)
    assert settings.database_url
    applied = asyncio.run(_migrate(settings.database_url))
    print(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "database is up to date")
    return 0


async def _demo(database_url: str, *, only_if_empty: bool) -> dict[str, int] | None:
    from api import demo_data, demo_reports

    conn = await db.connect(database_url)
    try:
        if only_if_empty and await health.has_parties(conn):
            return None
        counts = await demo_data.load(conn)
    finally:
        await conn.close()
    # The DCC's reports go through the intake and the worker's run, which take a pool.
    pool = await db.create_pool(database_url, min_size=1, max_size=2)
    try:
        return counts | await demo_reports.load(pool)
    finally:
        await pool.close()


def cmd_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    settings = resolve_urls(settings)
    assert settings.database_url
    counts = asyncio.run(_demo(settings.database_url, only_if_empty=False))
    print("loaded demo data: " + ", ".join(f"{v} {k}" for k, v in (counts or {}).items()))
    return 0


async def _rebuild_periods(database_url: str) -> int:
    from sql import parties

    conn = await db.connect(database_url)
    try:
        async with conn.transaction():
            return await parties.rebuild_periods(conn)
    finally:
        await conn.close()


def cmd_rebuild_periods(args: argparse.Namespace, settings: Settings) -> int:
    settings = resolve_urls(settings)
    assert settings.database_url
    print(f"rebuilt {asyncio.run(_rebuild_periods(settings.database_url))} Party periods from the events")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api import logs
    from api.app import create_app

    settings = resolve_urls(settings)
    logs.configure()
    app = create_app(settings)
    # log_config=None: uvicorn's loggers go through the JSON handler; the edge writes the access line.
    # proxy_headers=False: the app trusts forwarded headers from SECGOV_TRUSTED_PROXIES only (api/edge).
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="info", proxy_headers=False, log_config=None, access_log=False
    )
    return 0


def cmd_api_key(args: argparse.Namespace, settings: Settings) -> int:
    settings = resolve_urls(settings)
    assert settings.database_url

    async def act() -> str | None:
        conn = await db.connect(settings.database_url or "")
        try:
            if args.key_command == "create":
                party = None
                if args.party:
                    from api.ids import party_pk

                    party = party_pk(args.party)
                expires_at = None
                if args.expires_in_days is not None:
                    if args.expires_in_days <= 0:
                        raise ValueError("--expires-in-days must be a positive number of days")
                    expires_at = datetime.now(UTC) + timedelta(days=args.expires_in_days)
                return await keys.create(
                    conn,
                    name=args.name,
                    role=args.role,
                    bodies=list(args.body or []),
                    party_id=party,
                    expires_at=expires_at,
                )
            await keys.revoke(conn, name=args.name)
            return None
        finally:
            await conn.close()

    try:
        key = asyncio.run(act())
    except (Refusal, ValueError) as e:
        return fail(str(e))
    if key is None:
        print(f"revoked key {args.name!r}")
    else:
        print(f"created key {args.name!r} (role {args.role}); it is shown only this once:")
        print(key)
    return 0


def child_env(settings: Settings) -> dict[str, str]:
    """The environment of a process this command starts: ours, with the settings as resolved here (URLs found from
    a running `secgov up` included). Ours is never changed."""
    return {**os.environ, **settings.to_env()}


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from workers import __main__ as dramatiq_main
    from workers.broker import dramatiq_env

    settings = resolve_urls(settings, need_broker=True)
    argv = [
        "--processes",
        str(args.processes),
        "--threads",
        str(args.threads),
        "--queues",
        settings.queue,
        settings.webhook_queue,
        "--worker-shutdown-timeout",
        "30000",
    ]
    # Dramatiq starts its worker processes with this process's environment, and they read their settings from it.
    # When it lacks what was resolved here (URLs of a running `secgov up`, Dramatiq's own settings), this command
    # runs again in place (same pid, so `secgov up` and process managers keep signalling it) with the environment
    # given explicitly; this process's own is never changed.
    env = {**child_env(settings), **dramatiq_env(settings)}
    if not env.items() <= os.environ.items():  # this environment lacks some of it
        again = ["worker", "--processes", str(args.processes), "--threads", str(args.threads)]
        os.execve(sys.executable, [sys.executable, "-m", "api.cli", *again], env)  # noqa: S606 - our interpreter
    return dramatiq_main.main(argv)


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from workers import scheduler

    scheduler.run(resolve_urls(settings, need_broker=True))
    return 0


def cmd_revalidate(args: argparse.Namespace, settings: Settings) -> int:
    from domain.viewer import SYSTEM
    from schema.relay import global_id, pk_of
    from sql import opsg, submissions
    from workers.broker import enqueue_message, make_broker

    settings = resolve_urls(settings, need_broker=True)
    if (args.submission_id is None) == (args.month is None):
        return fail("give a submission ID or --month YYYY-MM (the submissions in that month's OPSG table)")
    try:
        pks = [pk_of(args.submission_id, "ReportSubmission")] if args.submission_id else []
    except Refusal as e:
        return fail(e.message)

    async def reset() -> list[int]:
        conn = await db.connect(settings.database_url or "")
        try:
            ids = pks or sorted(
                {
                    r.submission_id
                    for r in await opsg.table(conn, month=args.month, viewer=SYSTEM)
                    if r.submission_id is not None
                }
            )
            for pk in ids:
                await submissions.reset_for_revalidation(conn, id=pk)
            return ids
        finally:
            await conn.close()

    try:
        ids = asyncio.run(reset())
    except Refusal as e:
        return fail(e.message)
    broker = make_broker(settings.broker_url or "", settings=settings)
    for pk in ids:
        enqueue_message(broker, pk, queue=settings.queue)
    broker.close()
    for pk in ids:
        print(f"submission {global_id('ReportSubmission', pk)} queued for validation under the current catalogue")
    if args.month and not ids:
        print(f"no submission in the OPSG table of {args.month}: nothing to validate")
    return 0


def _wait_ready(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our own loopback URL
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    services = embedded.Embedded(settings.data_dir)
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        database_url = settings.database_url or services.start_postgres()
        broker_url = settings.broker_url or services.start_redis()
        services.database_url, services.broker_url = database_url, broker_url
        services.publish()
        applied = asyncio.run(_migrate(database_url))
        print(f"database ready ({len(applied)} migration(s) applied)", flush=True)
        load_demo = args.demo if args.demo is not None else not settings.production
        if load_demo:
            counts = asyncio.run(_demo(database_url, only_if_empty=args.demo is None))
            if counts:
                print("loaded demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)
        env = child_env(settings.replace(database_url=database_url, broker_url=broker_url))
        me = [sys.executable, "-m", "api.cli"]
        commands = [[*me, "serve", "--host", args.host, "--port", str(args.port)], [*me, "worker"], [*me, "scheduler"]]
        # Each child in a session of its own: Ctrl-C reaches `up` alone, which stops them with one SIGTERM (a second
        # signal makes Dramatiq kill its worker process mid-shutdown and leave it orphaned).
        children.extend(subprocess.Popen(c, env=env, start_new_session=True) for c in commands)
        base = f"http://{args.host}:{args.port}"
        if _wait_ready(f"{base}/readyz"):
            print(f"secgov is up: GraphQL and GraphiQL at {base}/graphql", flush=True)
            print(f"  console {base}/console · health {base}/healthz · readiness {base}/readyz", flush=True)
            print("  Ctrl-C stops everything this command started.", flush=True)
        while not stopping:
            for i, child in enumerate(children):
                if child.poll() is not None and not stopping:
                    # A crashed worker (killed, out of memory) is started again; its message is redelivered.
                    print(
                        f"secgov: {' '.join(commands[i][3:])} stopped (code {child.returncode}); restarting",
                        file=sys.stderr,
                        flush=True,
                    )
                    children[i] = subprocess.Popen(commands[i], env=env, start_new_session=True)
            time.sleep(0.3)
        return 0
    finally:
        _stop_children(children)
        services.stop()
        print("secgov stopped", flush=True)


def _stop_children(children: list[subprocess.Popen[bytes]], grace_s: float = 15) -> None:
    """SIGTERM each child, wait up to grace_s in all, then SIGKILL whatever is left of each one's process group (a
    child that did not stop, and any process it started)."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace_s
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="secgov", description="Smart Energy Code governance data platform")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run everything on this machine (embedded services unless URLs are set)")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--demo", dest="demo", action="store_true", default=None, help="load the demo data")
    up.add_argument("--no-demo", dest="demo", action="store_false", help="never load the demo data")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("demo-data", help="load the demo data set from the seed papers")
    sub.add_parser("rebuild-periods", help="derive every Party's validity periods again from its events")
    serve = sub.add_parser("serve", help="run the API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    worker = sub.add_parser("worker", help="run a validation worker (Dramatiq)")
    worker.add_argument("--processes", type=int, default=1)
    worker.add_argument("--threads", type=int, default=2)
    sub.add_parser("scheduler", help="run the periodic jobs (missing reports, stuck submissions)")
    reval = sub.add_parser("revalidate", help="validate a submission again under the current catalogue")
    reval.add_argument("submission_id", nargs="?")
    reval.add_argument("--month", metavar="YYYY-MM", help="every submission in that month's OPSG table")
    key = sub.add_parser("api-key", help="create or revoke API keys")
    key_sub = key.add_subparsers(dest="key_command", required=True)
    create = key_sub.add_parser("create")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--body", action="append", help="a body the key's holder belongs to (repeatable)")
    create.add_argument("--party", help="the Party's ID, for a party key")
    create.add_argument("--expires-in-days", type=int, metavar="N", help="the key stops working N days from now")
    revoke = key_sub.add_parser("revoke")
    revoke.add_argument("name")
    documents.add_parser(sub)
    register_cli.add_parser(sub)
    return p


COMMANDS: dict[str, Command] = {
    "up": cmd_up,
    "migrate": cmd_migrate,
    "demo-data": cmd_demo_data,
    "serve": cmd_serve,
    "api-key": cmd_api_key,
    "worker": cmd_worker,
    "scheduler": cmd_scheduler,
    "revalidate": cmd_revalidate,
    "rebuild-periods": cmd_rebuild_periods,
    "documents": documents.cmd_documents,
    "register": lambda args, settings: register_cli.cmd_register(args, resolve_urls(settings).database_url or ""),
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings.from_env(os.environ)  # the one reading of the environment in this process
    return COMMANDS[args.command](args, settings)


if __name__ == "__main__":
    sys.exit(main())
