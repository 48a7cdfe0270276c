"""DCC reporting: the catalogue, submissions, findings and exceptions."""

READERS = frozenset({"dcc", "opsg", "panel", "secas", "admin"})
UPLOADERS = frozenset({"dcc", "secas", "admin"})
