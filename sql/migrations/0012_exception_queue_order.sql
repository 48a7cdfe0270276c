-- The exception queue's order (most severe first, then oldest, then id), as an index: a page of the queue is a
-- range read from its start or its cursor instead of a sort of the whole queue.
CREATE INDEX report_exceptions_queue_order
    ON report_exceptions ((CASE severity WHEN 'HIGH' THEN 0 ELSE 1 END), first_flagged_at, id);
