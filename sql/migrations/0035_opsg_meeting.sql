-- The Operations Group's meeting in the store: the body's actions become follow-ups (an owner, a due date, what they
-- concern, how and why they were closed, when an overdue one was flagged); an exception's history entry may name the
-- meeting it was discussed at; and a month's OPSG table remembers the meeting at which it was recorded.
ALTER TABLE actions
    ADD COLUMN follow_up           boolean NOT NULL DEFAULT false,
    ADD COLUMN owner_party_id      bigint REFERENCES parties (id),
    ADD COLUMN report_type_id      bigint REFERENCES report_types (id),
    ADD COLUMN period              text CHECK (period IS NULL OR period_end(period) IS NOT NULL),
    ADD COLUMN exception_id        bigint REFERENCES report_exceptions (id),
    ADD COLUMN closed_at           timestamptz,
    ADD COLUMN closed_by           text,
    ADD COLUMN closing_comment     text,
    ADD COLUMN overdue_flagged_at  timestamptz,
    ADD CONSTRAINT actions_closed_with_comment
        CHECK (NOT follow_up OR status = 'OPEN' OR length(btrim(coalesce(closing_comment, ''))) > 0);
-- The scheduler's look for overdue follow-ups, and a month's table's look for those open at its end.
CREATE INDEX actions_follow_ups ON actions (due_on, id) WHERE follow_up;

ALTER TABLE exception_history ADD COLUMN meeting_id bigint REFERENCES meetings (id);

CREATE TABLE opsg_meeting_outcomes (
    month        text PRIMARY KEY CHECK (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
    meeting_id   bigint NOT NULL REFERENCES meetings (id),
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
