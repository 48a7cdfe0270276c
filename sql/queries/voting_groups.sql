-- name: list
-- Without :as_of every group; with it, the groups that had a member Party at the end of that day.
SELECT vg.id, vg.name, vg.category
FROM voting_groups vg
WHERE (:category::text IS NULL OR vg.category = :category)
  AND (:as_of::date IS NULL OR EXISTS (
        SELECT 1 FROM party_periods s
        WHERE s.voting_group_id = vg.id AND s.valid_from <= :as_of::date AND s.valid_to > :as_of::date
          AND s.status = ANY(:member_statuses::text[])))
ORDER BY vg.name, vg.id;

-- name: by_ids
SELECT id, name, category FROM voting_groups WHERE id = ANY(:ids::bigint[]);

-- name: insert
INSERT INTO voting_groups (name, category) VALUES (:name, :category)
RETURNING id, name, category;
