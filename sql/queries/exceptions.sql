-- name: of_period_for_update
SELECT e.id, e.report_type_id, t.code AS report_type, e.period, e.rule_code, e.subject, e.severity, e.status,
       e.message, e.sec_clause, e.details, e.submission_id, e.first_flagged_at, e.last_raised_at,
       e.closed_by_system, e.meeting_id, e.version
FROM report_exceptions e JOIN report_types t ON t.id = e.report_type_id
WHERE e.report_type_id = :report_type_id AND e.period = :period
ORDER BY e.id
FOR UPDATE OF e;

-- name: insert
INSERT INTO report_exceptions (report_type_id, period, rule_code, subject, severity, message, sec_clause, details,
                               submission_id, run_id)
VALUES (:report_type_id, :period, :rule_code, :subject, :severity, :message, :sec_clause, :details,
        :submission_id, :run_id)
ON CONFLICT (report_type_id, period, rule_code, subject) DO NOTHING
RETURNING id;

-- name: raise_again
UPDATE report_exceptions
SET severity = :severity, message = :message, sec_clause = :sec_clause, details = :details,
    submission_id = coalesce(:submission_id, submission_id), run_id = coalesce(:run_id, run_id),
    last_raised_at = now(), status = :status, closed_by_system = :closed_by_system, version = version + 1
WHERE id = :id;

-- name: set_status
UPDATE report_exceptions
SET status = :to_status, closed_by_system = :closed_by_system, version = version + 1,
    meeting_id = coalesce(:meeting_id, meeting_id)
WHERE id = :id AND version = :version
RETURNING version;

-- name: history_add
INSERT INTO exception_history (exception_id, actor, action, from_status, to_status, comment, meeting_id)
VALUES (:exception_id, :actor, :action, :from_status, :to_status, :comment, :meeting_id);

-- name: history_having
-- Which of these (exception, comment) pairs its history has already.
SELECT DISTINCT h.exception_id, h.comment
FROM unnest(:ids::bigint[], :comments::text[]) AS w (id, comment)
JOIN exception_history h ON h.exception_id = w.id AND h.comment = w.comment;

-- name: history_of
SELECT id, exception_id, at, actor, action, from_status, to_status, comment, meeting_id
FROM exception_history WHERE exception_id = ANY(:ids::bigint[]) ORDER BY exception_id, id;

-- name: by_ids
SELECT e.id, e.report_type_id, t.code AS report_type, e.period, e.rule_code, e.subject, e.severity, e.status,
       e.message, e.sec_clause, e.details, e.submission_id, e.first_flagged_at, e.last_raised_at,
       e.closed_by_system, e.meeting_id, e.version
FROM report_exceptions e JOIN report_types t ON t.id = e.report_type_id
WHERE e.id = ANY(:ids::bigint[]);

-- name: of_submissions
SELECT e.id, e.report_type_id, t.code AS report_type, e.period, e.rule_code, e.subject, e.severity, e.status,
       e.message, e.sec_clause, e.details, e.submission_id, e.first_flagged_at, e.last_raised_at,
       e.closed_by_system, e.meeting_id, e.version
FROM report_exceptions e JOIN report_types t ON t.id = e.report_type_id
WHERE e.submission_id = ANY(:ids::bigint[])
ORDER BY e.submission_id, e.id;

-- name: page
-- The queue: most severe first, then oldest; keyset on (severity rank, first flagged, id). The order is found on
-- narrow rows first, then the page's own rows are read (sorting the whole rows was three times slower).
WITH keys AS (
    SELECT e.id, CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END AS rank, e.first_flagged_at
    FROM report_exceptions e
    WHERE (:status::text IS NULL OR e.status = :status)
      AND (:severity::text IS NULL OR e.severity = :severity)
      AND (:report_type::text IS NULL OR e.report_type_id = (SELECT id FROM report_types WHERE code = :report_type))
      AND (:period::text IS NULL OR e.period = :period)
      AND (:rule_code::text IS NULL OR e.rule_code = :rule_code)
      AND (:after_rank::int IS NULL OR (CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END, e.first_flagged_at, e.id)
                                       > (:after_rank, :after_at::timestamptz, :after_id::bigint))
      AND (:before_rank::int IS NULL OR (CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END, e.first_flagged_at, e.id)
                                       < (:before_rank, :before_at::timestamptz, :before_id::bigint))
    ORDER BY rank, e.first_flagged_at, e.id
    LIMIT :limit
)
SELECT e.id, e.report_type_id, t.code AS report_type, e.period, e.rule_code, e.subject, e.severity, e.status,
       e.message, e.sec_clause, e.details, e.submission_id, e.first_flagged_at, e.last_raised_at,
       e.closed_by_system, e.meeting_id, e.version, k.rank
FROM keys k
JOIN report_exceptions e ON e.id = k.id
JOIN report_types t ON t.id = e.report_type_id
ORDER BY k.rank, k.first_flagged_at, k.id;

-- name: page_backward
-- The same queue paged backward: the exceptions before a position, nearest first. A statement of its own (not a
-- direction parameter) so that each direction walks its index in order.
WITH keys AS (
    SELECT e.id, CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END AS rank, e.first_flagged_at
    FROM report_exceptions e
    WHERE (:status::text IS NULL OR e.status = :status)
      AND (:severity::text IS NULL OR e.severity = :severity)
      AND (:report_type::text IS NULL OR e.report_type_id = (SELECT id FROM report_types WHERE code = :report_type))
      AND (:period::text IS NULL OR e.period = :period)
      AND (:rule_code::text IS NULL OR e.rule_code = :rule_code)
      AND (:after_rank::int IS NULL OR (CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END, e.first_flagged_at, e.id)
                                       > (:after_rank, :after_at::timestamptz, :after_id::bigint))
      AND (:before_rank::int IS NULL OR (CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END, e.first_flagged_at, e.id)
                                       < (:before_rank, :before_at::timestamptz, :before_id::bigint))
    ORDER BY rank DESC, e.first_flagged_at DESC, e.id DESC
    LIMIT :limit
)
SELECT e.id, e.report_type_id, t.code AS report_type, e.period, e.rule_code, e.subject, e.severity, e.status,
       e.message, e.sec_clause, e.details, e.submission_id, e.first_flagged_at, e.last_raised_at,
       e.closed_by_system, e.meeting_id, e.version, k.rank
FROM keys k
JOIN report_exceptions e ON e.id = k.id
JOIN report_types t ON t.id = e.report_type_id
ORDER BY k.rank DESC, k.first_flagged_at DESC, k.id DESC;

-- name: count
-- Without a join to report_types (a code names one type): four times faster over a long queue.
SELECT count(*)
FROM report_exceptions e
WHERE (:status::text IS NULL OR e.status = :status)
  AND (:severity::text IS NULL OR e.severity = :severity)
  AND (:report_type::text IS NULL OR e.report_type_id = (SELECT id FROM report_types WHERE code = :report_type))
  AND (:period::text IS NULL OR e.period = :period)
  AND (:rule_code::text IS NULL OR e.rule_code = :rule_code);

-- name: notify
SELECT pg_notify('secgov_events', :payload);

-- name: raised_by_run
-- The facts of what a run raises, read from its stored findings; domain.exception_lifecycle words them. The
-- policy comes as data: findings of :severities only; those of the :by_column rules one per column (subject), with
-- how many and their first :shown rows; at most :cap per rule, the rest counted in one MORE row with its first
-- :shown subjects. Rules in the order they were found. A run can hold a million findings: they are read once,
-- narrow, and only the few rules are sorted.
WITH f AS MATERIALIZED (
    SELECT id, rule_code, severity, subject, row
    FROM findings
    WHERE id > (SELECT findings_after FROM validation_runs WHERE id = :run_id)
      AND id <= (SELECT findings_last FROM validation_runs WHERE id = :run_id)
      AND run_id = :run_id AND severity = ANY(:severities::text[])
),
by_column AS (
    SELECT subject, rule_code, min(id) AS id, count(*) AS n,
           (array_agg(row ORDER BY id) FILTER (WHERE row IS NOT NULL))[1 : :shown] AS rows
    FROM f WHERE rule_code = ANY(:by_column::text[]) GROUP BY rule_code, subject
),
candidates AS MATERIALIZED (
    SELECT id, rule_code, subject, severity FROM f WHERE NOT rule_code = ANY(:by_column::text[])
    UNION ALL
    SELECT c.id, c.rule_code, c.subject, f.severity FROM by_column c JOIN f ON f.id = c.id
),
rules AS (
    SELECT rule_code, min(id) AS rule_first, count(*) AS n FROM candidates GROUP BY rule_code
),
kept AS (
    SELECT r.rule_first, k.id, k.rule_code, k.subject, k.severity
    FROM rules r CROSS JOIN LATERAL (
        SELECT id, rule_code, subject, severity FROM candidates c WHERE c.rule_code = r.rule_code
        ORDER BY id LIMIT :cap
    ) k
),
more AS (
    SELECT r.rule_code, r.rule_first, r.n - :cap AS n, rest.severity, rest.first_id,
           ARRAY(SELECT c.subject FROM candidates c WHERE c.rule_code = r.rule_code AND c.id > edge.id
                 ORDER BY c.id LIMIT :shown) AS subjects
    FROM rules r
    CROSS JOIN LATERAL (SELECT max(id) AS id FROM kept WHERE kept.rule_code = r.rule_code) edge
    CROSS JOIN LATERAL (
        SELECT CASE WHEN bool_or(c.severity = 'HIGH') THEN 'HIGH' ELSE 'WARNING' END AS severity,
               min(c.id) AS first_id
        FROM candidates c WHERE c.rule_code = r.rule_code AND c.id > edge.id
    ) rest
    WHERE r.n > :cap
)
SELECT kind, rule_code, subject, severity, message, sec_clause, details, row, n, rows, subjects FROM (
    SELECT CASE WHEN c.n IS NULL THEN 'ONE' ELSE 'COLUMN' END AS kind, k.rule_code, k.subject, k.severity,
           x.message, x.sec_clause, x.details, x.row, c.n, c.rows, NULL::text[] AS subjects,
           k.rule_first, 0 AS last, k.id AS at
    FROM kept k
    JOIN findings x ON x.id = k.id
    LEFT JOIN by_column c ON c.id = k.id
    UNION ALL
    SELECT 'MORE', m.rule_code, NULL, m.severity, NULL, x.sec_clause, NULL, NULL, m.n, NULL, m.subjects,
           m.rule_first, 1, 0
    FROM more m JOIN findings x ON x.id = m.first_id
) raised
ORDER BY rule_first, last, at;

-- name: insert_many
-- A run's new exceptions in one statement, in the order given (their ids follow it).
INSERT INTO report_exceptions (report_type_id, period, rule_code, subject, severity, message, sec_clause, details,
                               submission_id, run_id)
SELECT :report_type_id::bigint, :period::text, r.rule_code, r.subject, r.severity, r.message, r.sec_clause,
       r.details::jsonb, :submission_id::bigint, :run_id::bigint
FROM unnest(:rule_codes::text[], :subjects::text[], :severities::text[], :messages::text[], :sec_clauses::text[],
            :details::text[]) WITH ORDINALITY AS r (rule_code, subject, severity, message, sec_clause, details, ord)
ORDER BY r.ord
ON CONFLICT (report_type_id, period, rule_code, subject) DO NOTHING
RETURNING id, rule_code, subject;
