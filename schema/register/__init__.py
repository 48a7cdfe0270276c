"""The register: Parties, their events, Voting Groups and membership statistics."""
