"""The domain: policy every room shares (roles, review transitions, periods, formats, constants, settings).

Pure: it imports nothing else of secgov and no framework, and does no IO, so the API, the schema, the store,
the workers and validation can all depend on it without depending on each other.
"""
