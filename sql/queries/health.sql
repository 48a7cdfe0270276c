-- name: ping
SELECT 1;

-- name: has_parties
SELECT EXISTS (SELECT 1 FROM parties);

-- name: data_version
-- Raised by every committed write (migration 0010); the response cache keys answers by it.
SELECT version FROM data_version;
