-- GraphQL documents known by their SHA-256: automatic persisted queries (registered by any client the first time it
-- sends a document with its hash; bounded, the oldest evicted) and trusted documents (registered from a manifest by
-- `secgov documents add`; never evicted; with SECGOV_DOCUMENTS=trusted the only ones that run). Kept here so every
-- API process knows what any of them was told.
CREATE TABLE persisted_documents (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    document text NOT NULL,
    trusted boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now()
);
-- The eviction walks the automatic ones from the newest; trusted documents are never counted or evicted.
CREATE INDEX persisted_documents_automatic ON persisted_documents (added_at DESC) WHERE NOT trusted;

-- Registering a document is not a change of the data any answer shows: it must not raise the data version (which
-- would empty every API process's response cache). A table whose comment starts "Not versioned:" is left out.
COMMENT ON TABLE persisted_documents IS
    'Not versioned: GraphQL documents by hash; no answer depends on them.';

CREATE OR REPLACE FUNCTION data_version_track() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN
        SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND ns.nspname = current_schema() AND NOT c.relispartition
          AND c.relname NOT IN ('data_version', 'data_version_marks', 'schema_migrations', 'api_keys')
          AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'Not versioned:%'
          AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'data_version_mark')
    LOOP
        EXECUTE format('CREATE TRIGGER data_version_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION data_version_mark()', t.relname);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
