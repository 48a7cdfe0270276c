-- Governance: bodies, meetings, highlights, Panel actions and decisions, modifications.
CREATE TABLE bodies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meetings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body_id         bigint NOT NULL REFERENCES bodies (id),
    reference       text NOT NULL UNIQUE,
    held_on         date NOT NULL,
    title           text,
    classification  text NOT NULL DEFAULT 'WHITE' CHECK (classification IN ('WHITE', 'GREEN', 'AMBER', 'RED')),
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meetings_body ON meetings (body_id, held_on DESC, id DESC);

CREATE TABLE highlights (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body_id         bigint NOT NULL REFERENCES bodies (id),
    meeting_id      bigint REFERENCES meetings (id),
    title           text NOT NULL CHECK (length(trim(title)) > 0),
    body            text NOT NULL,
    classification  text NOT NULL CHECK (classification IN ('WHITE', 'GREEN', 'AMBER', 'RED')),
    published_on    date NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX highlights_published ON highlights (published_on DESC, id DESC);

CREATE TABLE actions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference       text NOT NULL UNIQUE,
    meeting_id      bigint NOT NULL REFERENCES meetings (id),
    kind            text NOT NULL CHECK (kind IN ('ACTION', 'DECISION')),
    text            text NOT NULL,
    owner           text,
    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
    outcome         text CHECK (outcome IN ('NOTED', 'AGREED', 'APPROVED', 'REJECTED', 'DEFERRED')),
    due_on          date,
    classification  text NOT NULL DEFAULT 'WHITE' CHECK (classification IN ('WHITE', 'GREEN', 'AMBER', 'RED')),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE modifications (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference         text NOT NULL UNIQUE CHECK (reference ~ '^(SECMP[0-9]{4}|DP[0-9]{3,4}|MP[0-9]{3,4})[A-Z]?$'),
    former_references text[] NOT NULL DEFAULT '{}',
    title             text NOT NULL CHECK (length(trim(title)) > 0),
    path              text CHECK (path IN ('PATH_1_AUTHORITY_LED', 'PATH_2_AUTHORITY_DETERMINATION',
                      'PATH_3_SELF_GOVERNANCE', 'FAST_TRACK_SELF_GOVERNANCE', 'URGENT')),
    stage             text CHECK (stage IN ('DRAFT_PROPOSAL', 'DEVELOPMENT',
                      'REFINEMENT', 'REPORT_PHASE', 'MODIFICATION_REPORT_CONSULTATION', 'CHANGE_BOARD',
                      'AUTHORITY_DETERMINATION', 'APPROVED', 'REJECTED', 'IMPLEMENTED', 'WITHDRAWN')),
    proposer          text,
    raised_on         date,
    working_group     text,
    release           text,
    implemented_on    date,
    parties_impacted  text[] NOT NULL DEFAULT '{}',
    sec_sections      text[] NOT NULL DEFAULT '{}',
    note              text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX modifications_former ON modifications USING gin (former_references);
CREATE INDEX modifications_raised ON modifications (raised_on DESC NULLS LAST, id DESC);

CREATE TABLE modification_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    modification_id  bigint NOT NULL REFERENCES modifications (id),
    kind             text NOT NULL CHECK (kind IN ('RAISED', 'CONVERTED', 'STAGE_CHANGED', 'WORKING_GROUP',
                     'CONSULTATION', 'PRELIMINARY_ASSESSMENT', 'IMPACT_ASSESSMENT', 'CHANGE_BOARD_VOTE',
                     'PANEL_DECISION', 'AUTHORITY_DECISION', 'IMPLEMENTED', 'WITHDRAWN', 'SPLIT')),
    occurred_on      date NOT NULL,
    note             text,
    stage            text,
    body_id          bigint REFERENCES bodies (id),
    outcome          text,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX modification_events_mod ON modification_events (modification_id, occurred_on, id);

-- Who may see a classified item: White all; Green any key; Amber members of the owning body and the Panel;
-- Red members of the owning body only; secas and admin everything.
CREATE FUNCTION can_see(classification text, body_code text, viewer_role text, viewer_bodies text[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN viewer_role IN ('secas', 'admin') THEN true
        WHEN classification = 'WHITE' THEN true
        WHEN classification = 'GREEN' THEN viewer_role <> 'public'
        WHEN classification = 'AMBER' THEN body_code = ANY (viewer_bodies) OR 'PANEL' = ANY (viewer_bodies)
        WHEN classification = 'RED' THEN body_code = ANY (viewer_bodies)
        ELSE false
    END
$$;
