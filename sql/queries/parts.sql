-- Rows that belong to another object (a submission's runs and findings, an exception's history, the audit log, a
-- modification's events), found by their own id: what node(id:) answers for them.

-- name: findings
SELECT id, rule_code, severity, subject, message, sec_clause, details, row
FROM findings WHERE id = ANY(:ids::bigint[]) ORDER BY id;

-- name: runs
SELECT id, submission_id, started_at, finished_at, catalogue_version, outcome, attempt, finding_count
FROM validation_runs WHERE id = ANY(:ids::bigint[]) ORDER BY id;

-- name: history
SELECT id, exception_id, at, actor, action, from_status, to_status, comment, meeting_id
FROM exception_history WHERE id = ANY(:ids::bigint[]) ORDER BY id;

-- name: audit
SELECT id, at, key_name, role, action, operation, operation_name, target_ids, client_address, request_id, outcome
FROM audit_log WHERE id = ANY(:ids::bigint[]) ORDER BY id;

-- name: modification_events
SELECT id, modification_id, kind, occurred_on, note, stage, body_id, outcome
FROM modification_events WHERE id = ANY(:ids::bigint[]) ORDER BY id;
