-- name: insert
INSERT INTO api_keys (name, key_hash, role, bodies, party_id, expires_at)
VALUES (:name, :key_hash, :role, :bodies, :party_id, :expires_at)
RETURNING id;

-- name: by_hash
-- The key's holder, if the key is live; marks it used.
UPDATE api_keys SET last_used_at = now()
WHERE key_hash = :key_hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
RETURNING id, name, role, bodies, party_id, key_hash;

-- name: revoke
UPDATE api_keys SET revoked_at = now() WHERE name = :name AND revoked_at IS NULL RETURNING id;

-- name: list
SELECT id, name, role, bodies, party_id, created_at, expires_at, revoked_at, last_used_at
FROM api_keys ORDER BY name;

-- name: live_hashes
-- The digests of every live key: few enough to hold in memory, so an address flooding made-up keys is refused
-- without refusing a real key behind the same address.
SELECT key_hash FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now());
