-- A register may start with an opening balance: the Parties and Voting Groups of each category at a day, as a
-- source states them (a paper's Table 3 and Figure 1), when the register names only some of those Parties. Month-end
-- totals from that day on are the balance plus what the register changed since, so they reconcile month to month as
-- the papers' do (310 + 11 - 1 - 6 = 314 from July 2018 to January 2019); months whose end is before the day are
-- the register's alone and marked incomplete. The latest balance is the one that counts.
CREATE TABLE opening_balances (
    as_of          date NOT NULL CHECK (isfinite(as_of)),
    category       text NOT NULL CHECK (category IN ('LARGE_SUPPLIER', 'SMALL_SUPPLIER', 'ELECTRICITY_NETWORK',
                                                     'GAS_NETWORK', 'OTHER_SEC_PARTY')),
    parties        int NOT NULL CHECK (parties >= 0),
    voting_groups  int NOT NULL CHECK (voting_groups >= 0),
    source         text NOT NULL CHECK (length(trim(source)) > 0),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (as_of, category)
);

-- What the latest balance adds to the register's own month-end figures from its month on: per category, the
-- balance less what the register held at the end of the balance's day. No row when there is no balance.
CREATE FUNCTION opening_offsets()
RETURNS TABLE (first_month int, parties int, voting_groups int, by_category jsonb)
LANGUAGE sql STABLE AS $$
    WITH balance AS (
        SELECT * FROM opening_balances WHERE as_of = (SELECT max(as_of) FROM opening_balances)
    ),
    held AS (
        SELECT s.party_id, s.category AS party_category, s.voting_group_id, vg.category AS group_category
        FROM party_periods s JOIN voting_groups vg ON vg.id = s.voting_group_id
        WHERE s.valid_from <= (SELECT max(as_of) FROM balance) AND s.valid_to > (SELECT max(as_of) FROM balance)
          AND s.status IN ('ACTIVE', 'IN_DEFAULT') AND s.category <> 'DCC'
    ),
    per_category AS (
        SELECT b.as_of, b.category,
               b.parties - (SELECT count(*) FROM held h WHERE h.party_category = b.category) AS parties,
               b.voting_groups - (SELECT count(DISTINCT h.voting_group_id) FROM held h
                                  WHERE h.group_category = b.category) AS voting_groups
        FROM balance b
    )
    SELECT month_number(max(as_of)), sum(parties)::int, sum(voting_groups)::int,
           jsonb_object_agg(category, voting_groups)
    FROM per_category
    HAVING count(*) > 0
$$;

-- A month's register figures with the balance's offsets (opening_offsets(), read once per statement; nulls when
-- there is no balance) added when the month ends on or after the balance's day; complete says whether it does.
-- One function, so every statement that counts agrees.
CREATE FUNCTION with_opening_balance(month int, parties int, voting_groups int, by_category jsonb,
                                     first_month int, add_parties int, add_groups int, add_by_category jsonb)
RETURNS TABLE (parties_at_month_end int, voting_groups_at_month_end int, voting_groups_by_category jsonb,
               complete boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d.counted THEN parties + add_parties ELSE parties END,
           CASE WHEN d.counted THEN voting_groups + add_groups ELSE voting_groups END,
           CASE WHEN d.counted
                THEN (SELECT jsonb_object_agg(c.key, c.value::int + coalesce((add_by_category ->> c.key)::int, 0))
                      FROM jsonb_each_text(by_category) AS c)
                ELSE by_category END,
           first_month IS NULL OR d.counted
    FROM (SELECT first_month IS NOT NULL AND month >= first_month AS counted) AS d
$$;
