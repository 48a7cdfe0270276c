"""The settings, for the API's modules: one class, in the domain, shared with the workers and the scheduler."""

from domain.settings import Settings

__all__ = ["Settings"]
