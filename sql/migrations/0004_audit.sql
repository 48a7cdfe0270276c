-- The audit log: every mutation and every upload made with an API key (who, what, when, from where, outcome).
-- Append-only (the trigger of 0003 refuses UPDATE and DELETE). Who is kept by name and role, not as a reference:
-- the record outlives the key.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    key_name        text NOT NULL,
    role            text NOT NULL,
    action          text NOT NULL CHECK (action IN ('MUTATION', 'UPLOAD')),
    operation       text NOT NULL,           -- the mutation's field name, or the REST route
    operation_name  text,                    -- the GraphQL operation's name, when it has one
    target_ids      text[] NOT NULL DEFAULT '{}',  -- the global IDs touched, where cheap to know
    client_address  text,
    request_id      text,
    outcome         text NOT NULL            -- 'OK', or the error code returned
);
CREATE INDEX audit_log_key ON audit_log (key_name, id DESC);
CREATE INDEX audit_log_request ON audit_log (request_id) WHERE request_id IS NOT NULL;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
