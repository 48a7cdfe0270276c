-- name: ping
SELECT 1;

-- name: has_parties
SELECT EXISTS (SELECT 1 FROM parties);
