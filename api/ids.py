"""Global IDs on the command line: the same opaque IDs as GraphQL and REST."""

from __future__ import annotations

from schema.relay import pk_of


def party_pk(global_id: str) -> int:
    return pk_of(global_id, "Party")
