-- name: panel_meetings
-- The Panel meeting the month's report goes to (the first held after the month's end) and the one before it (the
-- latest held on or before the month's end), as the viewer may see them.
(SELECT 'next' AS which, m.id, m.body_id, b.code AS body_code, m.reference, m.held_on, m.title, m.classification
 FROM meetings m JOIN bodies b ON b.id = m.body_id
 WHERE b.code = 'PANEL' AND m.held_on > :month_end AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
 ORDER BY m.held_on, m.id LIMIT 1)
UNION ALL
(SELECT 'previous', m.id, m.body_id, b.code, m.reference, m.held_on, m.title, m.classification
 FROM meetings m JOIN bodies b ON b.id = m.body_id
 WHERE b.code = 'PANEL' AND m.held_on <= :month_end AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
 ORDER BY m.held_on DESC, m.id DESC LIMIT 1);

-- name: events_between
-- The events of some kinds effective between two days (inclusive), with each Party's name and its category at the
-- end of the event's day; the DCC left out, as in every count. In (day, id) order.
SELECT e.id, e.party_id, p.name, s.category, e.kind, e.occurred_on, e.user_role, e.user_id, e.note
FROM party_events e
JOIN parties p ON p.id = e.party_id
JOIN party_periods s ON s.party_id = e.party_id AND s.valid_from <= e.occurred_on AND s.valid_to > e.occurred_on
WHERE e.kind = ANY(:kinds::text[]) AND e.occurred_on BETWEEN :first_day AND :last_day AND s.category <> 'DCC'
ORDER BY e.occurred_on, e.id;

-- name: applicants
-- Applicants at the end of the last day whose application falls between the two days: Table 1.
SELECT p.id AS party_id, p.name, s.category, min(e.occurred_on) AS applied_on
FROM party_periods s
JOIN parties p ON p.id = s.party_id
JOIN party_events e ON e.party_id = s.party_id AND e.kind = 'APPLICATION'
                   AND e.occurred_on BETWEEN :first_day AND :last_day
WHERE s.valid_from <= :last_day AND s.valid_to > :last_day AND s.status = 'APPLICANT' AND s.category <> 'DCC'
GROUP BY p.id, p.name, s.category
ORDER BY min(e.id);

-- name: in_default_on
-- The Parties in an Event of Default at the end of a day, the DCC left out.
SELECT s.party_id, p.name, s.category
FROM party_periods s JOIN parties p ON p.id = s.party_id
WHERE s.valid_from <= :day AND s.valid_to > :day AND s.status = 'IN_DEFAULT' AND s.category <> 'DCC'
ORDER BY p.name;
