-- name: next_number
-- The number the meeting's next action takes (the body numbers them per meeting: OPSG10/01, OPSG10/02, ...).
SELECT count(*) + 1 FROM actions WHERE meeting_id = :meeting_id;

-- name: insert
INSERT INTO actions (reference, meeting_id, kind, text, owner, status, due_on, classification, follow_up,
                     owner_party_id, report_type_id, period, exception_id)
VALUES (:reference, :meeting_id, 'ACTION', :text, :owner, 'OPEN', :due_on, :classification, true,
        :owner_party_id, :report_type_id, :period, :exception_id)
RETURNING id;

-- name: by_ids
SELECT a.id, a.reference, a.meeting_id, b.code AS body_code, a.text, a.owner, a.owner_party_id, a.status, a.due_on,
       a.classification, t.code AS report_type, a.report_type_id, a.period, a.exception_id, a.closed_at, a.closed_by,
       a.closing_comment, a.overdue_flagged_at
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
LEFT JOIN report_types t ON t.id = a.report_type_id
WHERE a.id = ANY(:ids::bigint[]) AND a.follow_up
  AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: page
-- The follow-ups the viewer may see, soonest due first; keyset after (due_on, id). OVERDUE is OPEN past :today.
SELECT a.id, a.reference, a.meeting_id, b.code AS body_code, a.text, a.owner, a.owner_party_id, a.status, a.due_on,
       a.classification, t.code AS report_type, a.report_type_id, a.period, a.exception_id, a.closed_at, a.closed_by,
       a.closing_comment, a.overdue_flagged_at
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
LEFT JOIN report_types t ON t.id = a.report_type_id
WHERE a.follow_up AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:status::text IS NULL
       OR (:status = 'CLOSED' AND a.status = 'CLOSED')
       OR (:status = 'OPEN' AND a.status = 'OPEN' AND a.due_on >= :today::date)
       OR (:status = 'OVERDUE' AND a.status = 'OPEN' AND a.due_on < :today::date))
  AND (:owner::text IS NULL OR a.owner = :owner)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:due_before::date IS NULL OR a.due_on < :due_before)
  AND (:after_due::date IS NULL OR (a.due_on, a.id) > (:after_due::date, :after_id::bigint))
  AND (:before_due::date IS NULL OR (a.due_on, a.id) < (:before_due::date, :before_id::bigint))
ORDER BY a.due_on, a.id
LIMIT :limit;

-- name: page_backward
-- The same, paged backward: the follow-ups before a position, nearest first.
SELECT a.id, a.reference, a.meeting_id, b.code AS body_code, a.text, a.owner, a.owner_party_id, a.status, a.due_on,
       a.classification, t.code AS report_type, a.report_type_id, a.period, a.exception_id, a.closed_at, a.closed_by,
       a.closing_comment, a.overdue_flagged_at
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
LEFT JOIN report_types t ON t.id = a.report_type_id
WHERE a.follow_up AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:status::text IS NULL
       OR (:status = 'CLOSED' AND a.status = 'CLOSED')
       OR (:status = 'OPEN' AND a.status = 'OPEN' AND a.due_on >= :today::date)
       OR (:status = 'OVERDUE' AND a.status = 'OPEN' AND a.due_on < :today::date))
  AND (:owner::text IS NULL OR a.owner = :owner)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:due_before::date IS NULL OR a.due_on < :due_before)
  AND (:after_due::date IS NULL OR (a.due_on, a.id) > (:after_due::date, :after_id::bigint))
  AND (:before_due::date IS NULL OR (a.due_on, a.id) < (:before_due::date, :before_id::bigint))
ORDER BY a.due_on DESC, a.id DESC
LIMIT :limit;

-- name: count
SELECT count(*)
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE a.follow_up AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
  AND (:status::text IS NULL
       OR (:status = 'CLOSED' AND a.status = 'CLOSED')
       OR (:status = 'OPEN' AND a.status = 'OPEN' AND a.due_on >= :today::date)
       OR (:status = 'OVERDUE' AND a.status = 'OPEN' AND a.due_on < :today::date))
  AND (:owner::text IS NULL OR a.owner = :owner)
  AND (:body_code::text IS NULL OR b.code = :body_code)
  AND (:due_before::date IS NULL OR a.due_on < :due_before);

-- name: close
UPDATE actions
SET status = 'CLOSED', closed_at = now(), closed_by = :actor, closing_comment = :comment
WHERE id = :id AND follow_up AND status = 'OPEN'
RETURNING id;

-- name: overdue
-- Open follow-ups past their due date (London days) not yet flagged, with the report and period they concern.
SELECT a.id, a.reference, a.text, a.owner, a.due_on, a.classification, a.report_type_id, t.code AS report_type,
       a.period
FROM actions a JOIN report_types t ON t.id = a.report_type_id
WHERE a.follow_up AND a.status = 'OPEN' AND a.due_on < :today::date AND a.overdue_flagged_at IS NULL
ORDER BY a.due_on, a.id
FOR UPDATE OF a;

-- name: mark_flagged
UPDATE actions SET overdue_flagged_at = now() WHERE id = ANY(:ids::bigint[]);

-- name: overdue_exception
-- The exception an overdue follow-up raised, if any, in a status closing the follow-up resolves (:statuses).
SELECT e.id, e.status, e.version
FROM report_exceptions e
WHERE e.report_type_id = :report_type_id AND e.period = :period AND e.rule_code = :rule_code
  AND e.subject = :subject AND e.status = ANY(:statuses::text[]);

-- name: meeting
-- The meeting an outcome is recorded for, as the recorder may see it, with its body.
SELECT m.id, m.body_id, b.code AS body_code, m.reference, m.held_on, m.title, m.classification
FROM meetings m JOIN bodies b ON b.id = m.body_id
WHERE m.id = :id AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: record_outcome
INSERT INTO opsg_meeting_outcomes (month, meeting_id, recorded_by)
VALUES (:month, :meeting_id, :actor)
ON CONFLICT (month) DO UPDATE
SET meeting_id = excluded.meeting_id, recorded_by = excluded.recorded_by, recorded_at = now();

-- name: recorded_meeting
-- The meeting at which a month's table was recorded, when the viewer may see it.
SELECT m.id, m.reference, m.held_on
FROM opsg_meeting_outcomes o JOIN meetings m ON m.id = o.meeting_id JOIN bodies b ON b.id = m.body_id
WHERE o.month = :month AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies);

-- name: party_name
SELECT name FROM parties WHERE id = :id;

-- name: meeting_id_by_reference
SELECT id FROM meetings WHERE reference = :reference;
