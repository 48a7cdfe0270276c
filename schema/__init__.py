"""The GraphQL schema: per-area types, queries and mutations merged at the root."""
