"""`python -m workers ARGS`: Dramatiq's worker command over workers.actors, logging JSON lines from its main process
too (its basicConfig leaves a configured root alone). `secgov worker` starts it with its environment."""

from __future__ import annotations

import sys

from dramatiq import cli as dramatiq_cli

from workers import logs


def main(argv: list[str]) -> int:
    logs.configure()
    parsed = dramatiq_cli.make_argument_parser().parse_args(["workers.actors", *argv])  # type: ignore[no-untyped-call]
    result: int = dramatiq_cli.main(parsed)  # type: ignore[no-untyped-call]
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
