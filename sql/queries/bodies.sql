-- name: list
SELECT id, code, name FROM bodies ORDER BY code;

-- name: by_ids
SELECT id, code, name FROM bodies WHERE id = ANY(:ids::bigint[]);

-- name: by_code
SELECT id, code, name FROM bodies WHERE code = :code;

-- name: insert
INSERT INTO bodies (code, name) VALUES (:code, :name)
ON CONFLICT (code) DO NOTHING
RETURNING id, code, name;
