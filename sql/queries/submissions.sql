-- name: by_hash
SELECT id, status FROM submissions
WHERE report_type_id = :report_type_id AND period = :period AND sha256 = :sha256;

-- name: latest_accepted
-- The newest submission of the period that is not REJECTED: what a new upload supersedes.
SELECT id FROM submissions
WHERE report_type_id = :report_type_id AND period = :period AND status <> 'REJECTED'
ORDER BY id DESC LIMIT 1;

-- name: lock_period
-- Serialises uploads of one report and period (the transaction's advisory lock).
SELECT pg_advisory_xact_lock(hashtextextended(:report_type_id::bigint || '/' || :period, 7301002));

-- name: insert
INSERT INTO submissions (report_type_id, period, sha256, size_bytes, filename, content_type, format, received_at,
                         uploaded_by, supersedes_id, request_id)
VALUES (:report_type_id, :period, :sha256, :size_bytes, :filename, :content_type, :format,
        coalesce(:received_at, now()), :uploaded_by, :supersedes_id, :request_id)
RETURNING id;

-- name: insert_file
INSERT INTO submission_files (submission_id, content) VALUES (:submission_id, :content);

-- name: content
SELECT content FROM submission_files WHERE submission_id = :submission_id;

-- name: mark_enqueued
UPDATE submissions SET enqueued_at = now() WHERE id = :id;

-- name: by_ids
SELECT s.id, s.report_type_id, t.code AS report_type, s.period, s.sha256, s.size_bytes, s.filename, s.format,
       s.received_at, s.status, s.attempts, s.row_count, s.supersedes_id, s.uploaded_by, s.request_id,
       due_at(t.due_working_days, s.period) AS due_at,
       delivery(s.report_type_id, s.period, now()) AS delivery
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
WHERE s.id = ANY(:ids::bigint[]);

-- name: page
SELECT s.id, s.report_type_id, t.code AS report_type, s.period, s.sha256, s.size_bytes, s.filename, s.format,
       s.received_at, s.status, s.attempts, s.row_count, s.supersedes_id, s.uploaded_by, s.request_id,
       due_at(t.due_working_days, s.period) AS due_at,
       delivery(s.report_type_id, s.period, now()) AS delivery
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
WHERE (:report_type::text IS NULL OR t.code = :report_type)
  AND (:period::text IS NULL OR s.period = :period)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:after_id::bigint IS NULL OR s.id < :after_id)
  AND (:before_id::bigint IS NULL OR s.id > :before_id)
ORDER BY s.id DESC
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT s.id, s.report_type_id, t.code AS report_type, s.period, s.sha256, s.size_bytes, s.filename, s.format,
       s.received_at, s.status, s.attempts, s.row_count, s.supersedes_id, s.uploaded_by, s.request_id,
       due_at(t.due_working_days, s.period) AS due_at,
       delivery(s.report_type_id, s.period, now()) AS delivery
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
WHERE (:report_type::text IS NULL OR t.code = :report_type)
  AND (:period::text IS NULL OR s.period = :period)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:after_id::bigint IS NULL OR s.id < :after_id)
  AND (:before_id::bigint IS NULL OR s.id > :before_id)
ORDER BY s.id
LIMIT :limit;

-- name: count
SELECT count(*)
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
WHERE (:report_type::text IS NULL OR t.code = :report_type)
  AND (:period::text IS NULL OR s.period = :period)
  AND (:status::text IS NULL OR s.status = :status);

-- name: begin_attempt
-- Counted before any work, in its own transaction, so a worker killed mid-run still used up an attempt; the lease is
-- taken at the same time, and only when no other delivery holds a live one.
UPDATE submissions
SET attempts = attempts + 1, status = 'VALIDATING', lease_token = :token,
    lease_until = now() + make_interval(secs => :lease_s)
WHERE id = :id AND status IN ('RECEIVED', 'VALIDATING') AND (lease_until IS NULL OR lease_until <= now())
RETURNING attempts;

-- name: lease_of
-- Why an attempt was not begun: the submission is final, or another delivery's lease runs this much longer.
SELECT status, greatest(extract(epoch FROM lease_until - now()), 0)::float8 AS lease_left_s
FROM submissions WHERE id = :id;

-- name: renew_lease
-- The run still works: its lease runs on. No row when another delivery took the submission over (the lease had
-- lapsed) or the run is over.
UPDATE submissions SET lease_until = now() + make_interval(secs => :lease_s)
WHERE id = :id AND lease_token = :token AND status = 'VALIDATING'
RETURNING id;

-- name: give_back_attempt
-- A delivery that found the submission finished by another one meanwhile: its attempt neither failed nor stored a
-- run, so it does not count against SECGOV_MAX_ATTEMPTS.
UPDATE submissions SET attempts = attempts - 1 WHERE id = :id AND attempts > 0;

-- name: release_lease
-- A run that failed on a fault lets its lease go at once: the delivery retried need not wait for it to lapse.
UPDATE submissions SET lease_until = now()
WHERE id = :id AND lease_token = :token AND status = 'VALIDATING';

-- name: for_run
-- What judging a submission needs, read once as its run begins (no lock: the run's transaction checks its lease).
SELECT s.id, s.report_type_id, s.period, s.status, s.received_at, s.attempts, s.supersedes_id,
       (SELECT min(o.received_at) FROM submissions o
        WHERE o.report_type_id = s.report_type_id AND o.period = s.period AND o.status <> 'REJECTED')
           AS first_received_at,
       due_at(t.due_working_days, s.period) AS due_at
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
WHERE s.id = :id;

-- name: run_held
-- In the run's transaction: the submission locked, still this run's (its lease), with the newest accepted submission
-- of its period (only that one closes exceptions); no row when another delivery finished it or took it over.
SELECT (SELECT max(o.id) FROM submissions o
        WHERE o.report_type_id = s.report_type_id AND o.period = s.period AND o.status <> 'REJECTED')
           AS newest_accepted_id
FROM submissions s
WHERE s.id = :id AND s.status IN ('RECEIVED', 'VALIDATING') AND s.lease_token = :token
FOR UPDATE OF s;

-- name: finish
UPDATE submissions SET status = :status, row_count = :row_count, lease_token = NULL, lease_until = NULL
WHERE id = :id;

-- name: reset_for_revalidation
UPDATE submissions SET status = 'RECEIVED', attempts = 0, lease_token = NULL, lease_until = NULL
WHERE id = :id RETURNING id;

-- name: stale_received
-- Submissions whose bell may not have rung (broker down) or whose run's worker died (its lease lapsed, never merely
-- a long run: a live run renews its lease): ring it again.
SELECT id FROM submissions
WHERE (status = 'RECEIVED' OR (status = 'VALIDATING' AND (lease_until IS NULL OR lease_until < now())))
  AND coalesce(enqueued_at, created_at) < now() - make_interval(secs => :older_than_s)
ORDER BY id
LIMIT 1000;

-- name: next_run_id
-- Taken before the run's transaction, so that its findings can be written out (with their run) beforehand.
SELECT nextval(pg_get_serial_sequence('validation_runs', 'id'));

-- name: findings_before
-- Every finding written after this in the session has a larger id: the start of a run's range of findings.
SELECT nextval(pg_get_serial_sequence('findings', 'id'));

-- name: insert_run
-- After its findings: the last id this session took for a finding closes the run's range.
INSERT INTO validation_runs (id, submission_id, started_at, catalogue_version, outcome, attempt, finding_count,
                             rule_counts, findings_after, findings_last)
OVERRIDING SYSTEM VALUE
VALUES (:id, :submission_id, :started_at, :catalogue_version, :outcome, :attempt, :finding_count,
        :rule_counts::jsonb, :findings_after::bigint,
        CASE WHEN :findings_after::bigint IS NOT NULL THEN currval(pg_get_serial_sequence('findings', 'id')) END)
RETURNING id;

-- name: runs_of
SELECT id, submission_id, started_at, finished_at, catalogue_version, outcome, attempt, finding_count
FROM validation_runs WHERE submission_id = ANY(:ids::bigint[]) ORDER BY submission_id, id;

-- name: findings_page
-- The findings of the submission's latest run, through the primary key within the run's range of ids.
SELECT f.id, f.rule_code, f.severity, f.subject, f.message, f.sec_clause, f.details, f.row
FROM (SELECT id, findings_after, findings_last FROM validation_runs
      WHERE submission_id = :submission_id ORDER BY id DESC LIMIT 1) r
JOIN findings f ON f.id > greatest(r.findings_after, :after_id::bigint) AND f.id <= r.findings_last
                   AND f.run_id = r.id
WHERE (:before_id::bigint IS NULL OR f.id < :before_id)
ORDER BY f.id
LIMIT :limit;

-- name: findings_page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT f.id, f.rule_code, f.severity, f.subject, f.message, f.sec_clause, f.details, f.row
FROM (SELECT id, findings_after, findings_last FROM validation_runs
      WHERE submission_id = :submission_id ORDER BY id DESC LIMIT 1) r
JOIN findings f ON f.id > greatest(r.findings_after, :after_id::bigint) AND f.id <= r.findings_last
                   AND f.run_id = r.id
WHERE (:before_id::bigint IS NULL OR f.id < :before_id)
ORDER BY f.id DESC
LIMIT :limit;

-- name: findings_count
-- The run counted its findings when it stored them.
SELECT coalesce((SELECT finding_count FROM validation_runs WHERE submission_id = :submission_id
                 ORDER BY id DESC LIMIT 1), 0);

-- name: findings_by_rule
-- Counted by the run when it stored its findings.
SELECT rule_counts FROM validation_runs WHERE submission_id = :submission_id ORDER BY id DESC LIMIT 1;
