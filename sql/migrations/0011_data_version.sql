-- The data version: a number that every committed write raises, so an API process can tell whether an answer it
-- keeps is still current (the response cache). One row.
--
-- The version is raised at COMMIT, not at the write: a statement trigger on each written table marks the
-- transaction (once), by inserting a row into data_version_marks, whose deferred constraint trigger raises the
-- version as the transaction commits. So the row lock on data_version is held only for the instant of the commit
-- (writers never queue behind a long one), and the new version becomes visible together with the data: a request
-- that reads the version after a write committed sees a higher number than any answer kept from before it.
CREATE TABLE data_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO data_version (version) VALUES (1);

CREATE UNLOGGED TABLE data_version_marks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);

CREATE FUNCTION data_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1;
    DELETE FROM data_version_marks WHERE id = NEW.id;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER data_version_at_commit AFTER INSERT ON data_version_marks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_raise();

CREATE FUNCTION data_version_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction (the setting is local to it).
    IF current_setting('secgov.data_version_marked', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('secgov.data_version_marked', 'yes', true);
        INSERT INTO data_version_marks DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

-- Attaches the mark to every table of the schema that has none yet; the migrator calls it after each run, so a
-- table added by a later migration is covered too. Not marked: the version's own tables, the migrations' record,
-- and api_keys, whose last-use time changes with every keyed request and which no read shows.
CREATE FUNCTION data_version_track() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN
        SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND ns.nspname = current_schema() AND NOT c.relispartition
          AND c.relname NOT IN ('data_version', 'data_version_marks', 'schema_migrations', 'api_keys')
          AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'data_version_mark')
    LOOP
        EXECUTE format('CREATE TRIGGER data_version_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION data_version_mark()', t.relname);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

SELECT data_version_track();
