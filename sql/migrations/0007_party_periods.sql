-- The temporal register: each Party's state held as validity periods, so "now", any asOf day and month-end
-- statistics are index range reads instead of a recomputation from every event. The events stay the source of
-- truth; these rows are derived (derive_party_periods), kept current by triggers in the transaction that writes
-- the events, and rebuilt whole by rebuild_party_periods() (`secgov rebuild-periods`).
--
-- Triggers rather than the functions that record events: the demo loader, bulk loads (INSERT ... SELECT, COPY)
-- and any later writer all write party_events directly, and a trigger keeps the periods right for every one of
-- them, in the same transaction. They are statement triggers with transition tables, so a bulk load of thousands
-- of events derives each Party touched once, not once per row.
CREATE TABLE party_periods (
    party_id         bigint NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    valid_from       date NOT NULL,  -- the state holds at the end of this day ('-infinity' before any event)
    valid_to         date NOT NULL,  -- exclusive: the day the next state starts ('infinity' while current)
    during           daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to)) STORED,
    status           text NOT NULL,
    category         text NOT NULL,
    voting_group_id  bigint NOT NULL REFERENCES voting_groups (id),
    acceded_on       date,
    PRIMARY KEY (party_id, valid_from),
    CHECK (valid_from < valid_to)
);
-- All Parties on one day (counts, asOf, Voting Groups): a range read of the periods containing the day.
CREATE INDEX party_periods_during ON party_periods USING gist (during);
-- The Parties of some Voting Groups on one day (Voting Group pages and their loader).
CREATE INDEX party_periods_group ON party_periods (voting_group_id, valid_from);

-- Each Party's periods derived from its events alone (all Parties when ids is null). The state at the end of a day
-- is what party_states(day) gives; a period runs from a day whose events change that state to the next such day.
-- The status rule is party_states()'s, stated again on purpose: the tests hold these two derivations (running
-- windows here, one aggregate per day there) against each other.
CREATE FUNCTION derive_party_periods(ids bigint[])
RETURNS TABLE (party_id bigint, valid_from date, valid_to date, status text, category text, voting_group_id bigint,
               acceded_on date)
LANGUAGE sql STABLE AS $$
    WITH events AS (
        SELECT e.party_id, e.occurred_on, e.id, e.kind,
               CASE WHEN e.kind = 'CATEGORY_CHANGE' THEN e.category END AS category,
               CASE WHEN e.kind = 'VOTING_GROUP_CHANGE' THEN e.voting_group_id END AS voting_group_id
        FROM party_events e
        WHERE ids IS NULL OR e.party_id = ANY (ids)
    ),
    running AS (
        -- Everything up to and including each event, in (day, id) order: the order party_states() resolves by.
        SELECT party_id, occurred_on, id, category, voting_group_id,
               bool_or(kind = 'EXPULSION') OVER w AS expelled,
               bool_or(kind = 'WITHDRAWAL') OVER w AS withdrawn,
               min(occurred_on) FILTER (WHERE kind = 'ACCESSION') OVER w AS acceded_on,
               max(occurred_on) FILTER (WHERE kind = 'DEFAULT_ENTERED') OVER w AS default_on,
               max(occurred_on) FILTER (WHERE kind = 'DEFAULT_CURED') OVER w AS cured_on,
               count(category) OVER w AS category_changes,
               count(voting_group_id) OVER w AS group_changes
        FROM events
        WINDOW w AS (PARTITION BY party_id ORDER BY occurred_on, id ROWS UNBOUNDED PRECEDING)
    ),
    latest AS (
        -- The latest change so far: the one change in its run of equal counts.
        SELECT r.*,
               max(r.category) OVER (PARTITION BY r.party_id, r.category_changes) AS category_now,
               max(r.voting_group_id) OVER (PARTITION BY r.party_id, r.group_changes) AS group_now
        FROM running r
    ),
    end_of_day AS (
        SELECT DISTINCT ON (party_id, occurred_on) *
        FROM latest
        ORDER BY party_id, occurred_on, id DESC
    ),
    states AS (
        SELECT p.id AS party_id, '-infinity'::date AS valid_from, 'APPLICANT' AS status,
               p.initial_category AS category, p.initial_voting_group_id AS voting_group_id, NULL::date AS acceded_on
        FROM parties p
        WHERE ids IS NULL OR p.id = ANY (ids)
        UNION ALL
        SELECT d.party_id, d.occurred_on,
               CASE
                   WHEN d.expelled THEN 'EXPELLED'
                   WHEN d.withdrawn THEN 'WITHDRAWN'
                   WHEN d.acceded_on IS NULL THEN 'APPLICANT'
                   WHEN d.default_on IS NOT NULL
                        AND d.default_on > coalesce(d.cured_on, '-infinity'::date) THEN 'IN_DEFAULT'
                   ELSE 'ACTIVE'
               END,
               coalesce(d.category_now, p.initial_category),
               coalesce(d.group_now, p.initial_voting_group_id),
               d.acceded_on
        FROM end_of_day d JOIN parties p ON p.id = d.party_id
    ),
    changes AS (
        -- A day whose events leave the state as it was (a User Role completed, say) starts no period.
        SELECT s.*,
               (s.status, s.category, s.voting_group_id, s.acceded_on) IS DISTINCT FROM
               (lag(s.status) OVER w, lag(s.category) OVER w, lag(s.voting_group_id) OVER w,
                lag(s.acceded_on) OVER w) AS starts
        FROM states s
        WINDOW w AS (PARTITION BY s.party_id ORDER BY s.valid_from)
    )
    SELECT c.party_id, c.valid_from,
           coalesce(lead(c.valid_from) OVER (PARTITION BY c.party_id ORDER BY c.valid_from), 'infinity'::date),
           c.status, c.category, c.voting_group_id, c.acceded_on
    FROM changes c
    WHERE c.starts
$$;

-- Derive the periods of some Parties again, in the caller's transaction. The Parties' rows are locked first, so
-- two transactions writing events of one Party derive one after the other, the second seeing the first's events.
CREATE FUNCTION refresh_party_periods(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM parties WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM party_periods WHERE party_id = ANY (ids);
    INSERT INTO party_periods (party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on)
    SELECT * FROM derive_party_periods(ids);
END
$$;

-- Every Party's periods derived again from the events; returns the number of periods. Writers of events wait.
CREATE FUNCTION rebuild_party_periods() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE parties, party_events IN SHARE MODE;
    DELETE FROM party_periods;
    INSERT INTO party_periods (party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on)
    SELECT * FROM derive_party_periods(NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The trigger's argument names the column that holds the Party's id in the table it is on.
CREATE FUNCTION party_periods_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
    touched bigint[];
    changed text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM rebuild_party_periods();
        RETURN NULL;
    END IF;
    FOREACH changed IN ARRAY CASE TG_OP WHEN 'INSERT' THEN '{new_rows}'::text[] WHEN 'DELETE' THEN '{old_rows}'
                                        ELSE '{new_rows,old_rows}' END LOOP
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM %I', TG_ARGV[0], changed) INTO touched;
        ids := ids || touched;
    END LOOP;
    PERFORM refresh_party_periods(ARRAY(SELECT DISTINCT unnest(ids)));
    RETURN NULL;
END
$$;

CREATE TRIGGER party_periods_after_event_insert AFTER INSERT ON party_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('party_id');
CREATE TRIGGER party_periods_after_event_update AFTER UPDATE ON party_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('party_id');
CREATE TRIGGER party_periods_after_event_delete AFTER DELETE ON party_events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('party_id');
CREATE TRIGGER party_periods_after_event_truncate AFTER TRUNCATE ON party_events
    FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('party_id');
CREATE TRIGGER party_periods_after_party_insert AFTER INSERT ON parties REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('id');
CREATE TRIGGER party_periods_after_party_update AFTER UPDATE ON parties
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION party_periods_follow('id');

-- Parties and events already recorded.
SELECT rebuild_party_periods();
