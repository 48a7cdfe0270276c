-- name: by_hash
-- A document by its SHA-256 (hex), and whether it was registered from a trusted manifest.
SELECT document, trusted FROM persisted_documents WHERE sha256 = :sha256;

-- name: remember
-- An automatic persisted query: kept unless known already; then the automatic ones beyond :keep, oldest first, go.
WITH added AS (
    INSERT INTO persisted_documents (sha256, document) VALUES (:sha256, :document)
    ON CONFLICT (sha256) DO NOTHING
    RETURNING sha256
)
DELETE FROM persisted_documents
WHERE EXISTS (SELECT 1 FROM added)
  AND sha256 IN (
      SELECT sha256 FROM persisted_documents WHERE NOT trusted ORDER BY added_at DESC, sha256 OFFSET :keep - 1
  );

-- name: trust
-- A document from a trusted manifest (an automatic one with the same hash becomes trusted); true when it is new.
INSERT INTO persisted_documents AS d (sha256, document, trusted) VALUES (:sha256, :document, true)
ON CONFLICT (sha256) DO UPDATE SET trusted = true WHERE NOT d.trusted
RETURNING (xmax = 0) AS added;
