-- The register: Parties, Voting Groups, their dated events, API keys.
CREATE TABLE voting_groups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    category    text NOT NULL CHECK (category IN ('LARGE_SUPPLIER', 'SMALL_SUPPLIER', 'ELECTRICITY_NETWORK',
                                                   'GAS_NETWORK', 'OTHER_SEC_PARTY', 'DCC')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- category and voting group here are the ones a Party was created with; later ones are CATEGORY_CHANGE and
-- VOTING_GROUP_CHANGE events, so the register can be read as it stood on any day.
CREATE TABLE parties (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                     text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    initial_category         text NOT NULL CHECK (initial_category IN ('LARGE_SUPPLIER', 'SMALL_SUPPLIER',
                             'ELECTRICITY_NETWORK', 'GAS_NETWORK', 'OTHER_SEC_PARTY', 'DCC')),
    initial_voting_group_id  bigint NOT NULL REFERENCES voting_groups (id),
    note                     text,
    created_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE party_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    party_id         bigint NOT NULL REFERENCES parties (id),
    kind             text NOT NULL CHECK (kind IN ('APPLICATION', 'ACCESSION', 'UEP_COMPLETED', 'SREPT_COMPLETED',
                     'UEPT_COMPLETED', 'DEFAULT_ENTERED', 'DEFAULT_CURED', 'WITHDRAWAL', 'EXPULSION',
                     'CATEGORY_CHANGE', 'VOTING_GROUP_CHANGE')),
    occurred_on      date NOT NULL,
    user_role        text CHECK (user_role IN ('IMPORT_SUPPLIER', 'EXPORT_SUPPLIER', 'GAS_SUPPLIER',
                     'ELECTRICITY_DISTRIBUTOR', 'GAS_TRANSPORTER', 'REGISTERED_SUPPLIER_AGENT', 'OTHER_USER')),
    user_id          text,
    category         text,
    voting_group_id  bigint REFERENCES voting_groups (id),
    note             text,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'CATEGORY_CHANGE' OR category IS NOT NULL),
    CHECK (kind <> 'VOTING_GROUP_CHANGE' OR voting_group_id IS NOT NULL),
    CHECK (kind NOT IN ('UEP_COMPLETED', 'UEPT_COMPLETED') OR user_role IS NOT NULL)
);
CREATE INDEX party_events_party ON party_events (party_id, occurred_on, id);
CREATE INDEX party_events_kind_date ON party_events (kind, occurred_on);

-- A Party's state at the end of a day, derived from its events alone.
CREATE FUNCTION party_states(as_of date)
RETURNS TABLE (party_id bigint, status text, category text, voting_group_id bigint, acceded_on date)
LANGUAGE sql STABLE AS $$
    SELECT p.id,
           CASE
               WHEN s.expelled THEN 'EXPELLED'
               WHEN s.withdrawn THEN 'WITHDRAWN'
               WHEN s.acceded_on IS NULL THEN 'APPLICANT'
               WHEN s.default_on IS NOT NULL
                    AND s.default_on > coalesce(s.cured_on, '-infinity'::date) THEN 'IN_DEFAULT'
               ELSE 'ACTIVE'
           END,
           coalesce(s.category, p.initial_category),
           coalesce(s.voting_group_id, p.initial_voting_group_id),
           s.acceded_on
    FROM parties p
    LEFT JOIN LATERAL (
        SELECT bool_or(e.kind = 'EXPULSION') AS expelled,
               bool_or(e.kind = 'WITHDRAWAL') AS withdrawn,
               min(e.occurred_on) FILTER (WHERE e.kind = 'ACCESSION') AS acceded_on,
               max(e.occurred_on) FILTER (WHERE e.kind = 'DEFAULT_ENTERED') AS default_on,
               max(e.occurred_on) FILTER (WHERE e.kind = 'DEFAULT_CURED') AS cured_on,
               (array_agg(e.category ORDER BY e.occurred_on DESC, e.id DESC)
                    FILTER (WHERE e.kind = 'CATEGORY_CHANGE'))[1] AS category,
               (array_agg(e.voting_group_id ORDER BY e.occurred_on DESC, e.id DESC)
                    FILTER (WHERE e.kind = 'VOTING_GROUP_CHANGE'))[1] AS voting_group_id
        FROM party_events e
        WHERE e.party_id = p.id AND e.occurred_on <= as_of
    ) s ON true
$$;

-- Membership of a Voting Group over time, derived from the events (to_date exclusive; null = still a member).
CREATE VIEW voting_group_memberships AS
WITH changes AS (
    SELECT p.id AS party_id, p.initial_voting_group_id AS voting_group_id, NULL::date AS from_date, 0::bigint AS seq
    FROM parties p
    UNION ALL
    SELECT e.party_id, e.voting_group_id, e.occurred_on, e.id
    FROM party_events e WHERE e.kind = 'VOTING_GROUP_CHANGE'
)
SELECT party_id, voting_group_id, from_date,
       lead(from_date) OVER (PARTITION BY party_id ORDER BY from_date NULLS FIRST, seq) AS to_date
FROM changes;

CREATE TABLE api_keys (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    key_hash      bytea NOT NULL UNIQUE,
    role          text NOT NULL CHECK (role IN ('party', 'dcc', 'secas', 'opsg', 'panel', 'admin')),
    bodies        text[] NOT NULL DEFAULT '{}',
    party_id      bigint REFERENCES parties (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    CHECK (role <> 'party' OR party_id IS NOT NULL)
);
