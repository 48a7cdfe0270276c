"""Use cases: one module per thing a user does, between the doors (REST, GraphQL, worker, scheduler, CLI) and the
store. Each checks once, owns its transaction, and imports only sql and domain."""
