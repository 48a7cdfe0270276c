-- DCC reporting: the catalogue (versioned), the working-day calendar, submissions, runs, findings, parsed rows,
-- exceptions and their history.

CREATE TABLE report_types (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                 text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
    name                 text NOT NULL,
    sec_clause           text,
    cadence              text NOT NULL CHECK (cadence IN ('MONTHLY', 'QUARTERLY')),
    due_working_days     integer CHECK (due_working_days BETWEEN 1 AND 120),
    tolerance_lower_pct  numeric,
    tolerance_upper_pct  numeric,
    obligation_from      text NOT NULL,
    tbc                  text[] NOT NULL DEFAULT '{}',   -- which parameters are "to be confirmed"
    version              integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    updated_by           text NOT NULL DEFAULT 'system'
);

CREATE TABLE service_levels (
    report_type_id  bigint NOT NULL REFERENCES report_types (id),
    measure         text NOT NULL,
    provider        text NOT NULL DEFAULT '',   -- '' = any provider
    name            text,
    target_pct      numeric,
    minimum_pct     numeric,
    PRIMARY KEY (report_type_id, measure, provider)
);

-- Every version of a report type as it was, so a run can say which rules it applied.
CREATE TABLE report_type_versions (
    report_type_id  bigint NOT NULL REFERENCES report_types (id),
    version         integer NOT NULL,
    snapshot        jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    PRIMARY KEY (report_type_id, version)
);

-- England and Wales bank holidays, written by `secgov migrate` from the holidays package.
CREATE TABLE bank_holidays (
    day   date PRIMARY KEY,
    name  text NOT NULL
);

-- The administrator's amendments: the latest one for a day wins (working = true makes a bank holiday a Working Day).
CREATE TABLE calendar_amendments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day         date NOT NULL,
    working     boolean NOT NULL,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL
);
CREATE INDEX calendar_amendments_day ON calendar_amendments (day, id DESC);

CREATE VIEW non_working_days AS
WITH latest AS (
    SELECT DISTINCT ON (day) day, working FROM calendar_amendments ORDER BY day, id DESC
)
SELECT b.day FROM bank_holidays b
WHERE NOT EXISTS (SELECT 1 FROM latest l WHERE l.day = b.day AND l.working)
UNION
SELECT l.day FROM latest l WHERE NOT l.working;

-- 'YYYY-MM' or 'YYYY-Qn' → the period's last day.
CREATE FUNCTION period_end(period text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN period ~ '^\d{4}-(0[1-9]|1[0-2])$'
            THEN (to_date(period || '-01', 'YYYY-MM-DD') + interval '1 month' - interval '1 day')::date
        WHEN period ~ '^\d{4}-Q[1-4]$'
            THEN (make_date(substr(period, 1, 4)::int, substr(period, 7, 1)::int * 3, 1)
                  + interval '1 month' - interval '1 day')::date
    END
$$;

CREATE FUNCTION period_start(period text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN period ~ '^\d{4}-(0[1-9]|1[0-2])$' THEN to_date(period || '-01', 'YYYY-MM-DD')
        WHEN period ~ '^\d{4}-Q[1-4]$'
            THEN make_date(substr(period, 1, 4)::int, substr(period, 7, 1)::int * 3 - 2, 1)
    END
$$;

-- The n-th Working Day after a day (not counting the day itself).
CREATE FUNCTION nth_working_day_after(after_day date, n integer) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT d::date
    FROM generate_series(after_day + 1, after_day + n * 2 + 30, interval '1 day') AS d
    WHERE extract(isodow FROM d) < 6
      AND NOT EXISTS (SELECT 1 FROM non_working_days nw WHERE nw.day = d::date)
    ORDER BY d
    OFFSET n - 1 LIMIT 1
$$;

-- The deadline: the last instant of the due day, Europe/London. Null when the type has no due rule.
CREATE FUNCTION due_at(due_working_days integer, period text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN due_working_days IS NULL OR period_end(period) IS NULL THEN NULL ELSE
        ((nth_working_day_after(period_end(period), due_working_days) + 1)::timestamp
            AT TIME ZONE 'Europe/London') - interval '1 microsecond'
    END
$$;

CREATE TABLE submissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_type_id  bigint NOT NULL REFERENCES report_types (id),
    period          text NOT NULL CHECK (period_end(period) IS NOT NULL),
    sha256          bytea NOT NULL,
    size_bytes      bigint NOT NULL,
    filename        text,
    content_type    text,
    format          text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
    received_at     timestamptz NOT NULL,
    uploaded_by     text NOT NULL,
    status          text NOT NULL DEFAULT 'RECEIVED'
                    CHECK (status IN ('RECEIVED', 'VALIDATING', 'PASSED', 'FLAGGED', 'REJECTED')),
    attempts        integer NOT NULL DEFAULT 0,
    row_count       integer,
    supersedes_id   bigint REFERENCES submissions (id),
    request_id      text,
    enqueued_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_type_id, period, sha256)
);
CREATE INDEX submissions_period ON submissions (report_type_id, period, id);
CREATE INDEX submissions_status ON submissions (status, created_at) WHERE status IN ('RECEIVED', 'VALIDATING');
CREATE INDEX submissions_listing ON submissions (id DESC);

-- The bytes exactly as received, apart from the submission row so listings never touch them.
CREATE TABLE submission_files (
    submission_id  bigint PRIMARY KEY REFERENCES submissions (id),
    content        bytea NOT NULL
);

CREATE TABLE validation_runs (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id      bigint NOT NULL REFERENCES submissions (id),
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz NOT NULL DEFAULT now(),
    catalogue_version  integer NOT NULL,
    outcome            text NOT NULL CHECK (outcome IN ('PASSED', 'FLAGGED', 'REJECTED')),
    attempt            integer NOT NULL,
    finding_count      integer NOT NULL DEFAULT 0
);
CREATE INDEX validation_runs_submission ON validation_runs (submission_id, id);

CREATE TABLE findings (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id         bigint NOT NULL REFERENCES validation_runs (id),
    submission_id  bigint NOT NULL REFERENCES submissions (id),
    rule_code      text NOT NULL,
    severity       text NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'HIGH')),
    subject        text NOT NULL,
    message        text NOT NULL,
    sec_clause     text,
    details        jsonb NOT NULL DEFAULT '{}',
    row            integer
);
CREATE INDEX findings_run ON findings (run_id, id);

-- Parsed rows of the latest run of each submission, typed per report type.
CREATE TABLE sr_variance_rows (
    submission_id  bigint NOT NULL REFERENCES submissions (id),
    row            integer NOT NULL,
    subject        text NOT NULL,
    user_id        text NOT NULL,
    forecast       bigint NOT NULL,
    actual         bigint NOT NULL,
    user_role      text,
    service        text,
    party_name     text,
    PRIMARY KEY (submission_id, row)
);

CREATE TABLE csr_variance_rows (
    submission_id  bigint NOT NULL REFERENCES submissions (id),
    row            integer NOT NULL,
    subject        text NOT NULL,
    subscriber     text NOT NULL,
    forecast       bigint NOT NULL,
    actual         bigint NOT NULL,
    party_name     text,
    PRIMARY KEY (submission_id, row)
);

CREATE TABLE pmr_rows (
    submission_id  bigint NOT NULL REFERENCES submissions (id),
    row            integer NOT NULL,
    subject        text NOT NULL,
    measure        text NOT NULL,
    provider       text NOT NULL,
    actual_pct     double precision NOT NULL,
    target_pct     double precision,
    minimum_pct    double precision,
    name           text,
    volume         bigint,
    PRIMARY KEY (submission_id, row)
);

CREATE TABLE rdp_incident_rows (
    submission_id  bigint NOT NULL REFERENCES submissions (id),
    row            integer NOT NULL,
    subject        text NOT NULL,
    incident_ref   text NOT NULL,
    rdp            text NOT NULL,
    raised_on      date NOT NULL,
    status         text NOT NULL,
    resolved_on    date,
    category       text,
    summary        text,
    PRIMARY KEY (submission_id, row)
);

-- One work item per problem: (report type, period, rule, subject), across resubmissions.
CREATE TABLE report_exceptions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_type_id    bigint NOT NULL REFERENCES report_types (id),
    period            text NOT NULL,
    rule_code         text NOT NULL,
    subject           text NOT NULL,
    severity          text NOT NULL CHECK (severity IN ('WARNING', 'HIGH')),
    status            text NOT NULL DEFAULT 'OPEN'
                      CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'WAIVED', 'ESCALATED')),
    message           text NOT NULL,
    sec_clause        text,
    details           jsonb NOT NULL DEFAULT '{}',
    submission_id     bigint REFERENCES submissions (id),
    run_id            bigint REFERENCES validation_runs (id),
    first_flagged_at  timestamptz NOT NULL DEFAULT now(),
    last_raised_at    timestamptz NOT NULL DEFAULT now(),
    closed_by_system  boolean NOT NULL DEFAULT false,
    meeting_id        bigint REFERENCES meetings (id),
    version           integer NOT NULL DEFAULT 1,
    UNIQUE (report_type_id, period, rule_code, subject)
);
CREATE INDEX report_exceptions_queue ON report_exceptions (status, severity, first_flagged_at, id);
CREATE INDEX report_exceptions_listing ON report_exceptions (id DESC);

-- Append-only: never updated or deleted (a trigger refuses both).
CREATE TABLE exception_history (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    exception_id  bigint NOT NULL REFERENCES report_exceptions (id),
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    action        text NOT NULL,
    from_status   text,
    to_status     text,
    comment       text
);
CREATE INDEX exception_history_exception ON exception_history (exception_id, id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER exception_history_append_only BEFORE UPDATE OR DELETE ON exception_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Delivery of a report for a period, as at an instant (docs/domain.md, "Delivery"): judged on the first submission
-- that was not REJECTED.
CREATE FUNCTION delivery(report_type_id bigint, period text, as_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH t AS (SELECT * FROM report_types WHERE id = report_type_id),
    first AS (
        SELECT min(s.received_at) AS received_at FROM submissions s
        WHERE s.report_type_id = delivery.report_type_id AND s.period = delivery.period
          AND s.status <> 'REJECTED' AND s.received_at <= as_at
    )
    SELECT CASE
        WHEN period_start(period) < period_start(t.obligation_from) THEN 'NOT_DUE'
        WHEN t.due_working_days IS NULL THEN CASE WHEN f.received_at IS NULL THEN 'NOT_DUE' ELSE 'NO_DEADLINE' END
        WHEN f.received_at IS NOT NULL THEN
            CASE WHEN f.received_at <= due_at(t.due_working_days, period) THEN 'ON_TIME' ELSE 'LATE' END
        WHEN due_at(t.due_working_days, period) < as_at THEN 'MISSING'
        ELSE 'NOT_YET_DUE'
    END
    FROM t, first f
$$;

INSERT INTO report_types (code, name, sec_clause, cadence, due_working_days, tolerance_lower_pct,
                          tolerance_upper_pct, obligation_from, tbc) VALUES
    ('PMR', 'Performance Measurement Report', 'H13.4', 'MONTHLY', 25, NULL, NULL, '2016-09', '{}'),
    ('SR_VARIANCE', 'Service Request variance report', 'H3.24', 'MONTHLY', 10, 90, 110, '2016-09', '{}'),
    ('CSR_VARIANCE', 'Certificate Signing Request variance report', 'L8.9', 'MONTHLY', 10, 90, 110, '2016-09',
     '{}'),
    ('RDP_INCIDENT', 'Registration Data Provider incident report', 'Appendix AG 2.5.10', 'MONTHLY', NULL, NULL,
     NULL, '2016-09', '{}'),
    ('CH_RETURNS', 'DCC Responsible Communications Hub returns report', NULL, 'QUARTERLY', 20, NULL, NULL,
     '2016-Q4', '{sec_clause,due_working_days}'),
    ('NEP', 'Network Enhancement Plan report', NULL, 'QUARTERLY', 20, NULL, NULL, '2016-Q4',
     '{sec_clause,due_working_days}'),
    ('PROBLEM_QUARTERLY', 'Quarterly Problem Report', NULL, 'QUARTERLY', 20, NULL, NULL, '2016-Q4',
     '{sec_clause,due_working_days}');

INSERT INTO service_levels (report_type_id, measure, provider, name, target_pct, minimum_pct)
SELECT t.id, v.measure, '', v.name, v.target, v.minimum
FROM report_types t, (VALUES
    ('CPM1', 'On-demand Service Responses within Target Response Time', 99, 96),
    ('CPM2', 'Future-dated Service Responses within Target Response Time', 99, 96),
    ('CPM3', 'Alerts within Target Response Time', 99, 96),
    ('CPM4', 'Category 1 and 2 Incidents resolved within Target Resolution Time', 100, 85),
    ('CPM5', 'Category 3, 4 and 5 Incidents resolved within Target Resolution Time', 90, 80),
    ('CPM6', 'Self Service Interface availability', 99.5, 98)
) AS v (measure, name, target, minimum)
WHERE t.code = 'PMR';

INSERT INTO report_type_versions (report_type_id, version, snapshot, created_by)
SELECT t.id, 1, to_jsonb(t) || jsonb_build_object('service_levels', coalesce((
    SELECT jsonb_agg(to_jsonb(s) - 'report_type_id' ORDER BY s.measure, s.provider)
    FROM service_levels s WHERE s.report_type_id = t.id), '[]'::jsonb)), 'system'
FROM report_types t;
