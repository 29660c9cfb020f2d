-- The latest assignment of each person is read from the b-tree on ("interpreterId", "startsAt"),
-- newest first, one row. With the statistics of a nearly empty "Booking" (a fresh database, a
-- bulk import) the planner otherwise chose the exclusion constraint's GiST index, whose partial
-- predicate the status condition implies: ~9 ms a person instead of ~0.01 ms, so inserting
-- 100,000 bookings for 10,000 people took 100 s instead of 4. Comparing the status as text keeps
-- that index out of the choice (its predicate is no longer implied).
CREATE OR REPLACE FUNCTION "refresh_latest_assignment_of"(people uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "Interpreter" i
  SET "latestAssignmentAt" = m."latest"
  FROM (
    SELECT p."id",
      (SELECT b."startsAt" FROM "Booking" b
       WHERE b."interpreterId" = p."id" AND b."status"::text IN ('assigned', 'completed')
       ORDER BY b."interpreterId" DESC, b."startsAt" DESC LIMIT 1) AS "latest"
    FROM (SELECT DISTINCT unnest(people) AS "id") p
  ) m
  WHERE i."id" = m."id" AND i."latestAssignmentAt" IS DISTINCT FROM m."latest";
$$;
