-- name: page
SELECT id, reference, former_references, title, path, stage, proposer, raised_on, working_group, release,
       implemented_on, parties_impacted, sec_sections
FROM modifications
WHERE (:stage::text IS NULL OR stage = :stage)
  AND (:path::text IS NULL OR path = :path)
  AND (:text_contains::text IS NULL
       OR strpos(lower(reference || ' ' || title || ' ' || coalesce(proposer, '')), lower(:text_contains)) > 0)
  AND (:raised_from::date IS NULL OR raised_on >= :raised_from)
  AND (:raised_to::date IS NULL OR raised_on <= :raised_to)
  AND (:after_reference::text IS NULL OR reference > :after_reference)
  AND (:before_reference::text IS NULL OR reference < :before_reference)
ORDER BY reference
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT id, reference, former_references, title, path, stage, proposer, raised_on, working_group, release,
       implemented_on, parties_impacted, sec_sections
FROM modifications
WHERE (:stage::text IS NULL OR stage = :stage)
  AND (:path::text IS NULL OR path = :path)
  AND (:text_contains::text IS NULL
       OR strpos(lower(reference || ' ' || title || ' ' || coalesce(proposer, '')), lower(:text_contains)) > 0)
  AND (:raised_from::date IS NULL OR raised_on >= :raised_from)
  AND (:raised_to::date IS NULL OR raised_on <= :raised_to)
  AND (:after_reference::text IS NULL OR reference > :after_reference)
  AND (:before_reference::text IS NULL OR reference < :before_reference)
ORDER BY reference DESC
LIMIT :limit;

-- name: count
SELECT count(*)
FROM modifications
WHERE (:stage::text IS NULL OR stage = :stage)
  AND (:path::text IS NULL OR path = :path)
  AND (:text_contains::text IS NULL
       OR strpos(lower(reference || ' ' || title || ' ' || coalesce(proposer, '')), lower(:text_contains)) > 0)
  AND (:raised_from::date IS NULL OR raised_on >= :raised_from)
  AND (:raised_to::date IS NULL OR raised_on <= :raised_to);

-- name: by_reference
-- A former reference ("DP118" after conversion) finds the same modification.
SELECT id, reference, former_references, title, path, stage, proposer, raised_on, working_group, release,
       implemented_on, parties_impacted, sec_sections
FROM modifications
WHERE reference = :reference OR former_references @> ARRAY[:reference::text]
ORDER BY (reference = :reference) DESC
LIMIT 1;

-- name: by_ids
SELECT id, reference, former_references, title, path, stage, proposer, raised_on, working_group, release,
       implemented_on, parties_impacted, sec_sections
FROM modifications WHERE id = ANY(:ids::bigint[]);

-- name: insert
INSERT INTO modifications (reference, former_references, title, path, stage, proposer, raised_on, working_group,
                           release, implemented_on, parties_impacted, sec_sections)
VALUES (:reference, :former_references, :title, :path, :stage, :proposer, :raised_on, :working_group, :release,
        :implemented_on, :parties_impacted, :sec_sections)
ON CONFLICT (reference) DO NOTHING
RETURNING id;

-- name: update
UPDATE modifications
SET title = coalesce(:title, title), path = coalesce(:path, path), proposer = coalesce(:proposer, proposer),
    working_group = coalesce(:working_group, working_group), release = coalesce(:release, release),
    implemented_on = coalesce(:implemented_on, implemented_on),
    reference = coalesce(:new_reference, reference),
    former_references = CASE WHEN :new_reference::text IS NOT NULL AND :new_reference <> reference
                             THEN former_references || reference ELSE former_references END
WHERE id = :id
RETURNING id;

-- name: lock
SELECT id FROM modifications WHERE id = :id FOR UPDATE;

-- name: events_by_modifications
SELECT id, modification_id, kind, occurred_on, note, stage, body_id, outcome
FROM modification_events
WHERE modification_id = ANY(:ids::bigint[])
ORDER BY modification_id, occurred_on, id;

-- name: insert_event
INSERT INTO modification_events (modification_id, kind, occurred_on, note, stage, body_id, outcome)
VALUES (:modification_id, :kind, :occurred_on, :note, :stage, :body_id, :outcome)
RETURNING id;

-- name: refresh_stage
-- The stage is the one of the latest dated event that names a stage.
UPDATE modifications m
SET stage = coalesce((SELECT e.stage FROM modification_events e
                      WHERE e.modification_id = m.id AND e.stage IS NOT NULL
                      ORDER BY e.occurred_on DESC, e.id DESC LIMIT 1), m.stage),
    implemented_on = coalesce(m.implemented_on, (SELECT max(e.occurred_on) FROM modification_events e
                              WHERE e.modification_id = m.id AND e.kind = 'IMPLEMENTED'))
WHERE m.id = :id;
