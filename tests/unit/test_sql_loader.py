"""The named statements' loader: `:name` parameters become `$n` in order of first use, and nothing else does."""

from __future__ import annotations

from sql.loader import load, positional, statements


def test_parameters_are_numbered_by_first_use_and_a_repeated_name_is_one_parameter() -> None:
    q = positional("t.q", "SELECT * FROM t WHERE (:status::text IS NULL OR status = :status) AND id > :after")
    assert q.text == "SELECT * FROM t WHERE ($1::text IS NULL OR status = $1) AND id > $2"
    assert q.params == ("status", "after")
    assert q.args({"after": 5, "status": "OPEN"}) == ["OPEN", 5]


def test_quotes_comments_casts_times_and_slices_are_never_parameters() -> None:
    sql = (
        "SELECT 'at 10:30 :not' || \"odd:name\" || ''':quoted''', x::jsonb, a[1:20], "
        "to_char(:cap::bigint, 'FM9') -- :comment\nFROM t WHERE y = :y"
    )
    q = positional("t.q", sql)
    assert q.params == ("cap", "y")
    assert q.text == sql.replace(":cap::", "$1::").replace(":y", "$2")


def test_a_file_is_split_into_named_statements_without_their_comment_lines() -> None:
    text = "-- name: first\n-- What it does.\nSELECT 1;\n\n-- name: second\nSELECT :a\n  -- why\n  , :b;\n"
    assert list(statements(text)) == [("first", "SELECT 1"), ("second", "SELECT :a\n  , :b")]


def test_every_statement_of_the_store_loads() -> None:
    found = load()
    assert len(found) > 100 and all(q.text and not q.text.endswith(";") for q in found.values())
