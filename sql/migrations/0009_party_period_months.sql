-- Party periods read by day and by month. Reads by day ask for valid_from <= day < valid_to: a btree on
-- (valid_to, valid_from) answers today's register from the current periods alone, and its included columns let a
-- count be an index-only scan. Month-end statistics read each period's months as integers (stored, so the
-- statistics do no date arithmetic per period). The range column and its GiST index had no reader left.
ALTER TABLE party_periods DROP COLUMN during;

-- Months counted from year 0 (January 2018 is 2018 * 12 + 0): consecutive months are consecutive integers.
CREATE FUNCTION month_number(day date) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (date_part('year', day) * 12 + date_part('month', day) - 1)::int
$$;

-- The period holds the month ends of valid_from_month .. valid_to_month - 1 (null: no bound on that side).
ALTER TABLE party_periods
    ADD COLUMN valid_from_month int GENERATED ALWAYS AS
        (CASE WHEN isfinite(valid_from) THEN month_number(valid_from) END) STORED,
    ADD COLUMN valid_to_month int GENERATED ALWAYS AS
        (CASE WHEN isfinite(valid_to) THEN month_number(valid_to) END) STORED;

CREATE INDEX party_periods_on_day ON party_periods (valid_to, valid_from)
    INCLUDE (party_id, status, category, voting_group_id);

-- An event happens on a day: 'infinity' would start a period that never holds.
ALTER TABLE party_events ADD CONSTRAINT party_events_on_a_day CHECK (isfinite(occurred_on));
