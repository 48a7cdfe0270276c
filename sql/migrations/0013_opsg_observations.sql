-- What the Operations Group concluded about each report and period, in its own words: the current text, and every
-- version of it (who, when) in an append-only history.
CREATE TABLE opsg_observations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_type_id  bigint NOT NULL REFERENCES report_types (id),
    period          text NOT NULL CHECK (period_end(period) IS NOT NULL),
    text            text NOT NULL,              -- '' once cleared
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_type_id, period)
);

CREATE TABLE opsg_observation_history (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    observation_id  bigint NOT NULL REFERENCES opsg_observations (id),
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    text            text NOT NULL
);
CREATE INDEX opsg_observation_history_observation ON opsg_observation_history (observation_id, id);
CREATE TRIGGER opsg_observation_history_append_only BEFORE UPDATE OR DELETE ON opsg_observation_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
