-- name: meeting_exists
SELECT EXISTS (SELECT 1 FROM meetings WHERE id = :id);
