"""Governance bodies, their meetings, highlights and Panel actions."""
