"""Modifications to the Code and their dated events."""
