-- name: ping
SELECT 1;

-- name: has_parties
SELECT EXISTS (SELECT 1 FROM parties);

-- name: data_version
-- Raised by every committed write (migration 0010); the response cache keys answers by it.
SELECT version FROM data_version;

-- name: list_sizes
-- The longest each unpaged list has grown (migration 0055), for the cost estimate.
SELECT list, largest FROM list_sizes;
