"""Writes the SDL front ends generate their types from: `python -m schema.export > schema.graphql`."""

from __future__ import annotations

import sys

from schema.root import build_schema


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    sys.stdout.write(sdl())
