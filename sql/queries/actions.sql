-- name: page
SELECT a.id, a.reference, a.meeting_id, a.kind, a.text, a.owner, a.status, a.outcome, a.due_on, a.classification
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:meeting_id::bigint IS NULL OR a.meeting_id = :meeting_id)
  AND (:status::text IS NULL OR a.status = :status)
  AND (:after_reference::text IS NULL OR a.reference > :after_reference)
  AND (:before_reference::text IS NULL OR a.reference < :before_reference)
ORDER BY a.reference
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT a.id, a.reference, a.meeting_id, a.kind, a.text, a.owner, a.status, a.outcome, a.due_on, a.classification
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:meeting_id::bigint IS NULL OR a.meeting_id = :meeting_id)
  AND (:status::text IS NULL OR a.status = :status)
  AND (:after_reference::text IS NULL OR a.reference > :after_reference)
  AND (:before_reference::text IS NULL OR a.reference < :before_reference)
ORDER BY a.reference DESC
LIMIT :limit;

-- name: count
SELECT count(*)
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:meeting_id::bigint IS NULL OR a.meeting_id = :meeting_id)
  AND (:status::text IS NULL OR a.status = :status);

-- name: by_ids
SELECT a.id, a.reference, a.meeting_id, a.kind, a.text, a.owner, a.status, a.outcome, a.due_on, a.classification
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE a.id = ANY(:ids::bigint[])
  AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: insert
INSERT INTO actions (reference, meeting_id, kind, text, owner, status, outcome, due_on, classification)
VALUES (:reference, :meeting_id, :kind, :text, :owner, :status, :outcome, :due_on, :classification)
ON CONFLICT (reference) DO NOTHING
RETURNING id;

-- name: update
UPDATE actions
SET status = coalesce(:status, status), outcome = coalesce(:outcome, outcome), owner = coalesce(:owner, owner),
    text = coalesce(:text, text), due_on = coalesce(:due_on, due_on)
WHERE id = :id
RETURNING id;
