"""Benchmarks: `make bench` runs them all (python -m bench); each also runs alone. Never part of the tests."""
