"""DCC reporting: the catalogue, submissions, findings and exceptions."""

from domain.roles import REPORT_READERS as READERS
from domain.roles import UPLOADERS

__all__ = ["READERS", "UPLOADERS"]
