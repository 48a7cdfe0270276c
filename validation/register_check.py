"""`python -m validation.register_check register|balance`: a register file or opening balance on stdin, checked,
as JSON on stdout. The API process runs it as a child so that it never loads polars or pandera itself."""

from __future__ import annotations

import json
import sys

from domain.register import as_json
from validation.register import check_balance, check_register


def main(argv: list[str]) -> int:
    kind = argv[1] if len(argv) > 1 else ""
    if kind not in ("register", "balance"):
        print("usage: python -m validation.register_check register|balance < FILE", file=sys.stderr)
        return 2
    data = sys.stdin.buffer.read()
    checked = check_register(data) if kind == "register" else check_balance(data)
    sys.stdout.write(json.dumps(as_json(checked)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
