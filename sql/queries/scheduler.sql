-- name: try_lock
SELECT pg_try_advisory_lock(:key::bigint);

-- name: unlock
SELECT pg_advisory_unlock(:key::bigint);
