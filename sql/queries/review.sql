-- name: meeting_visible
-- A meeting the viewer may see: one the viewer may not see is answered as if it did not exist.
SELECT EXISTS (
    SELECT 1 FROM meetings m JOIN bodies b ON b.id = m.body_id
    WHERE m.id = :id AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies));
