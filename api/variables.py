"""Bounds on a GraphQL request's variables, checked before strawberry coerces them: the largest input the schema
takes (a meeting's outcome with its rows, exceptions and follow-ups) is a few thousand values a few levels deep,
so anything far beyond that is refused before it costs the event loop or memory."""

from __future__ import annotations

MAX_VARIABLE_VALUES = 10_000
MAX_VARIABLE_DEPTH = 16


def variables_problem(variables: object) -> str | None:
    """What is wrong with these variables (too many values, nested too deep), or None."""
    if variables is None:
        return None
    if not isinstance(variables, dict):
        return "variables must be a JSON object"
    values = 1
    stack: list[tuple[object, int]] = [(variables, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_VARIABLE_DEPTH:
            return f"the variables are nested more than {MAX_VARIABLE_DEPTH} levels deep"
        inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        values += len(inner)
        if values > MAX_VARIABLE_VALUES:  # counted before any is walked: a huge list costs nothing here
            return f"the variables hold more than {MAX_VARIABLE_VALUES:,} values"
        stack.extend((v, depth + 1) for v in inner)
    return None
