-- name: insert
INSERT INTO audit_log (key_name, role, action, operation, operation_name, target_ids, client_address, request_id,
                       outcome)
VALUES (:key_name, :role, :action, :operation, :operation_name, :target_ids, :client_address, :request_id, :outcome)
RETURNING id;

-- name: page
-- Newest first, keyset on id; every filter optional.
SELECT id, at, key_name, role, action, operation, operation_name, target_ids, client_address, request_id, outcome
FROM audit_log
WHERE (:after::bigint IS NULL OR id < :after)
  AND (:before::bigint IS NULL OR id > :before)
  AND (:key_name::text IS NULL OR key_name = :key_name)
  AND (:role::text IS NULL OR role = :role)
  AND (:action::text IS NULL OR action = :action)
  AND (:operation::text IS NULL OR operation = :operation)
  AND (:outcome::text IS NULL OR outcome = :outcome)
  AND (:request_id::text IS NULL OR request_id = :request_id)
  AND (:since::timestamptz IS NULL OR at >= :since)
  AND (:until::timestamptz IS NULL OR at < :until)
ORDER BY id DESC
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT id, at, key_name, role, action, operation, operation_name, target_ids, client_address, request_id, outcome
FROM audit_log
WHERE (:after::bigint IS NULL OR id < :after)
  AND (:before::bigint IS NULL OR id > :before)
  AND (:key_name::text IS NULL OR key_name = :key_name)
  AND (:role::text IS NULL OR role = :role)
  AND (:action::text IS NULL OR action = :action)
  AND (:operation::text IS NULL OR operation = :operation)
  AND (:outcome::text IS NULL OR outcome = :outcome)
  AND (:request_id::text IS NULL OR request_id = :request_id)
  AND (:since::timestamptz IS NULL OR at >= :since)
  AND (:until::timestamptz IS NULL OR at < :until)
ORDER BY id
LIMIT :limit;

-- name: count
SELECT count(*)
FROM audit_log
WHERE (:key_name::text IS NULL OR key_name = :key_name)
  AND (:role::text IS NULL OR role = :role)
  AND (:action::text IS NULL OR action = :action)
  AND (:operation::text IS NULL OR operation = :operation)
  AND (:outcome::text IS NULL OR outcome = :outcome)
  AND (:request_id::text IS NULL OR request_id = :request_id)
  AND (:since::timestamptz IS NULL OR at >= :since)
  AND (:until::timestamptz IS NULL OR at < :until);
