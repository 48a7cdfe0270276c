"""The edge and composition root: the Starlette app, auth, REST routes, the `secgov` command."""
