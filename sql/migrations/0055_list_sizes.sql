-- The longest each unpaged list of the API has grown: kept current in the writing transaction, so an operation's
-- cost is estimated from what is stored (a key that comments without end grows an exception's history, and the
-- estimate with it). A list's length only ever counts up here: a stale maximum over-estimates, never under.
-- Each growth is announced on the channel secgov_list_sizes for the API processes listening.
CREATE TABLE list_sizes (
    list     text PRIMARY KEY,
    largest  integer NOT NULL
);

-- Statement-level, over the rows just added (the transition table `added`): TG_ARGV[0] names the list, TG_ARGV[1]
-- the column naming the row it belongs to (none: the list is the whole table).
CREATE FUNCTION list_sizes_note() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    grew boolean;
BEGIN
    IF TG_NARGS > 1 THEN
        EXECUTE format('SELECT max(c)::int FROM (SELECT count(*) AS c FROM %I WHERE %I IN (SELECT %I FROM added) '
                       'GROUP BY %I) s', TG_TABLE_NAME, TG_ARGV[1], TG_ARGV[1], TG_ARGV[1]) INTO n;
    ELSE
        EXECUTE format('SELECT count(*)::int FROM %I', TG_TABLE_NAME) INTO n;
    END IF;
    IF n IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO list_sizes AS s (list, largest) VALUES (TG_ARGV[0], n)
    ON CONFLICT (list) DO UPDATE SET largest = EXCLUDED.largest WHERE s.largest < EXCLUDED.largest
    RETURNING true INTO grew;
    IF grew THEN
        PERFORM pg_notify('secgov_list_sizes', json_build_object('list', TG_ARGV[0], 'largest', n)::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER list_sizes_note AFTER INSERT ON exception_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('ReportException.history', 'exception_id');
CREATE TRIGGER list_sizes_note AFTER INSERT ON opsg_observation_history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('OpsgObservation.history', 'observation_id');
CREATE TRIGGER list_sizes_note AFTER INSERT ON modification_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('Modification.events', 'modification_id');
CREATE TRIGGER list_sizes_note AFTER INSERT ON validation_runs REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('ReportSubmission.runs', 'submission_id');
-- A Party's user roles are among its events: their count bounds the roles'.
CREATE TRIGGER list_sizes_note AFTER INSERT ON party_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('Party.userRoles', 'party_id');
CREATE TRIGGER list_sizes_note AFTER INSERT ON bodies REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('Query.bodies');
CREATE TRIGGER list_sizes_note AFTER INSERT ON report_types REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION list_sizes_note('Query.reportTypes');
-- Not kept: the Voting Groups and their Parties. The register grows only by an administrator's import, and a
-- maximum would misjudge a filtered list (votingGroups(category:)) or one large group among many small ones.

-- What is stored already: each list the triggers above keep, counted once.
DO $$
DECLARE
    t record;
    n integer;
BEGIN
    FOR t IN
        SELECT c.relname AS tbl, g.tgargs FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE g.tgname = 'list_sizes_note'
    LOOP
        -- tgargs: the trigger's arguments, each ended by a zero byte.
        DECLARE
            args text[] := array_remove(string_to_array(encode(t.tgargs, 'escape'), '\000'), '');
        BEGIN
            IF array_length(args, 1) > 1 THEN
                EXECUTE format('SELECT max(c)::int FROM (SELECT count(*) AS c FROM %I GROUP BY %I) s', t.tbl, args[2])
                    INTO n;
            ELSE
                EXECUTE format('SELECT count(*)::int FROM %I', t.tbl) INTO n;
            END IF;
            INSERT INTO list_sizes (list, largest) VALUES (args[1], coalesce(n, 0));
        END;
    END LOOP;
END $$;
