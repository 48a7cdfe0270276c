-- name: page_of_bodies
-- Each body's visible meetings, newest first; keyset after (held_on, id) of the cursor. Paged per body in Python.
SELECT m.id, m.body_id, b.code AS body_code, m.reference, m.held_on, m.title, m.classification
FROM meetings m JOIN bodies b ON b.id = m.body_id
WHERE m.body_id = ANY(:body_ids::bigint[])
  AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
ORDER BY m.body_id, m.held_on DESC, m.id DESC;

-- name: by_ids
SELECT m.id, m.body_id, b.code AS body_code, m.reference, m.held_on, m.title, m.classification
FROM meetings m JOIN bodies b ON b.id = m.body_id
WHERE m.id = ANY(:ids::bigint[])
  AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: insert
INSERT INTO meetings (body_id, reference, held_on, title, classification, note)
VALUES (:body_id, :reference, :held_on, :title, :classification, :note)
ON CONFLICT (reference) DO NOTHING
RETURNING id;

-- name: update
UPDATE meetings
SET held_on = coalesce(:held_on, held_on), title = coalesce(:title, title),
    classification = coalesce(:classification, classification)
WHERE id = :id
RETURNING id;
