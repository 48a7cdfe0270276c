-- name: page
SELECT h.id, h.body_id, b.code AS body_code, h.meeting_id, h.title, h.body, h.classification, h.published_on
FROM highlights h JOIN bodies b ON b.id = h.body_id
WHERE can_see(h.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:from_date::date IS NULL OR h.published_on >= :from_date)
  AND (:to_date::date IS NULL OR h.published_on <= :to_date)
  AND (:text_contains::text IS NULL OR strpos(lower(h.title || ' ' || h.body), lower(:text_contains)) > 0)
  AND (:after_date::date IS NULL OR (h.published_on, h.id) < (:after_date, :after_id::bigint))
  AND (:before_date::date IS NULL OR (h.published_on, h.id) > (:before_date, :before_id::bigint))
ORDER BY h.published_on DESC, h.id DESC
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the items before a position, nearest first (a statement of its own, so that each
-- direction walks its index in order).
SELECT h.id, h.body_id, b.code AS body_code, h.meeting_id, h.title, h.body, h.classification, h.published_on
FROM highlights h JOIN bodies b ON b.id = h.body_id
WHERE can_see(h.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:from_date::date IS NULL OR h.published_on >= :from_date)
  AND (:to_date::date IS NULL OR h.published_on <= :to_date)
  AND (:text_contains::text IS NULL OR strpos(lower(h.title || ' ' || h.body), lower(:text_contains)) > 0)
  AND (:after_date::date IS NULL OR (h.published_on, h.id) < (:after_date, :after_id::bigint))
  AND (:before_date::date IS NULL OR (h.published_on, h.id) > (:before_date, :before_id::bigint))
ORDER BY h.published_on, h.id
LIMIT :limit;

-- name: count
SELECT count(*)
FROM highlights h JOIN bodies b ON b.id = h.body_id
WHERE can_see(h.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:from_date::date IS NULL OR h.published_on >= :from_date)
  AND (:to_date::date IS NULL OR h.published_on <= :to_date)
  AND (:text_contains::text IS NULL OR strpos(lower(h.title || ' ' || h.body), lower(:text_contains)) > 0);

-- name: by_ids
SELECT h.id, h.body_id, b.code AS body_code, h.meeting_id, h.title, h.body, h.classification, h.published_on
FROM highlights h JOIN bodies b ON b.id = h.body_id
WHERE h.id = ANY(:ids::bigint[])
  AND can_see(h.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: insert
INSERT INTO highlights (body_id, meeting_id, title, body, classification, published_on)
VALUES (:body_id, :meeting_id, :title, :body, :classification, :published_on)
RETURNING id;
