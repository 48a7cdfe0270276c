"""The store: migrations, named statements and typed functions that take a connection."""

from sql.errors import Conflict, LifecycleViolation, NotFound

__all__ = ["Conflict", "LifecycleViolation", "NotFound"]
