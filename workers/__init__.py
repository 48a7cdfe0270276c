"""Dramatiq workers: the broker module, idempotent actors carrying ids only, the scheduler's jobs."""
