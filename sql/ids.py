"""Global IDs and cursors, in Python and as SQL expressions, written once here so the two never drift.

A global ID is base64url, without padding, of "Type:number", or "Type:number:YYYY-MM-DD" for an object read as of
a day (a Party or Voting Group read with asOf). A cursor is base64url, without padding, of the compact JSON array
of the item's position in its list ([name, id] for Parties, [id] for most others).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import orjson


class NotAnId(ValueError):
    """A value that is not one of our global IDs or cursors."""


def _b64(text: bytes) -> str:
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@lru_cache(maxsize=200_000)  # a page shows the same few thousand IDs all day; each one is a base64 encoding
def global_id(type_name: str, pk: int, day: date | None = None) -> str:
    return _b64(f"{type_name}:{pk}{'' if day is None else ':' + day.isoformat()}".encode())


def parse_global_id(value: str) -> tuple[str, int, date | None]:
    """(type name, number, day or None) of a global ID; NotAnId when it is not one of ours."""
    try:
        type_name, _, rest = _unb64(value).decode().partition(":")
        pk, _, day = rest.partition(":")
        if not type_name.isidentifier() or not pk.isdigit() or len(pk) > 18:
            raise ValueError(value)
        return type_name, int(pk), date.fromisoformat(day) if day else None
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise NotAnId(f"{value!r} is not a valid ID") from e


def encode_cursor(key: Sequence[Any]) -> str:
    return _b64(orjson.dumps(list(key), default=str))


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    """The position a cursor holds; NotAnId when it is not a cursor of that many parts."""
    try:
        key = orjson.loads(_unb64(cursor))
    except (ValueError, binascii.Error) as e:
        raise NotAnId(f"{cursor!r} is not a valid cursor") from e
    if not isinstance(key, list) or len(key) != arity:
        raise NotAnId(f"{cursor!r} is not a valid cursor")
    return key


def _sql_b64(text: str) -> str:
    return f"rtrim(translate(encode(convert_to({text}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"


def sql_global_id(type_name: str, pk: str, day: str | None = None) -> str:
    """SQL for global_id(type_name, pk, day): `day` an expression that is the day, or NULL for today's object."""
    assert type_name.isidentifier()
    dated = "" if day is None else f" || coalesce(':' || to_char({day}, 'YYYY-MM-DD'), '')"
    return _sql_b64(f"'{type_name}:' || ({pk})::text{dated}")


def sql_datetime(value: str) -> str:
    """SQL for a timestamptz as Python's isoformat() of the UTC datetime asyncpg reads (how the API prints one):
    microseconds only when there are any, offset +00:00."""
    utc = f"(({value}) AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {utc} IS NOT NULL THEN to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN extract(microseconds FROM {utc})::bigint % 1000000 <> 0 THEN to_char({utc}, '.US') ELSE '' END"
        " || '+00:00' END"
    )


def sql_cursor(parts: Sequence[tuple[str, str]]) -> str:
    """SQL for encode_cursor: `parts` the position's expressions, each with its kind ("int", "text" or
    "datetime")."""
    kinds = {"int": "({})::text", "text": "to_json({})::text", "datetime": "to_json(" + sql_datetime("{}") + ")::text"}
    items = " || ',' || ".join(kinds[kind].replace("{}", e) for e, kind in parts)
    return _sql_b64(f"'[' || {items} || ']'")
