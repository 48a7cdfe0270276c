-- Who may see a classified item is decided in domain/classification.py; the store only compares what it is handed:
-- the classifications the viewer sees whoever owns the item, those it sees as a member of the owning body, and its
-- bodies. Replaces the function that spelled the rule itself.
DROP FUNCTION can_see(text, text, text, text[]);
CREATE FUNCTION can_see(classification text, body_code text, seen_anywhere text[], seen_as_member text[],
                        viewer_bodies text[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT classification = ANY (seen_anywhere)
        OR (classification = ANY (seen_as_member) AND body_code = ANY (viewer_bodies))
$$;
