-- AlterTable
ALTER TABLE "Interpreter" ADD COLUMN     "latestAssignmentAt" TIMESTAMPTZ(3);

-- Keeps "Interpreter"."latestAssignmentAt" equal to the latest start of the person's assigned or
-- completed bookings, whatever writes "Booking" (API, SMS, dispatch, erasure, retention, bulk SQL).
-- Only changed values are written: no new row version and no row lock when nothing changed.
CREATE FUNCTION "refresh_latest_assignment_of"(people uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "Interpreter" i
  SET "latestAssignmentAt" = m."latest"
  FROM (
    SELECT p."id", (SELECT max(b."startsAt") FROM "Booking" b WHERE b."interpreterId" = p."id" AND b."status" IN ('assigned', 'completed')) AS "latest"
    FROM (SELECT DISTINCT unnest(people) AS "id") p
  ) m
  WHERE i."id" = m."id" AND i."latestAssignmentAt" IS DISTINCT FROM m."latest";
$$;

-- Inserts and deletes: once per statement over its transition table, so a bulk insert or a
-- retention run recomputes each affected person once.
CREATE FUNCTION "refresh_latest_assignment_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "refresh_latest_assignment_of"(array_agg("interpreterId")) FROM new_rows WHERE "interpreterId" IS NOT NULL AND "status" IN ('assigned', 'completed') HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION "refresh_latest_assignment_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "refresh_latest_assignment_of"(array_agg("interpreterId")) FROM old_rows WHERE "interpreterId" IS NOT NULL AND "status" IN ('assigned', 'completed') HAVING count(*) > 0;
  RETURN NULL;
END $$;

-- Updates: per row, and only when the status, the interpreter or the start changed (the WHEN
-- condition is checked without calling the function).
CREATE FUNCTION "refresh_latest_assignment_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "refresh_latest_assignment_of"(ARRAY[OLD."interpreterId", NEW."interpreterId"]);
  RETURN NULL;
END $$;

CREATE TRIGGER "Booking_latest_assignment_insert" AFTER INSERT ON "Booking"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "refresh_latest_assignment_inserted"();
CREATE TRIGGER "Booking_latest_assignment_delete" AFTER DELETE ON "Booking"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "refresh_latest_assignment_deleted"();
CREATE TRIGGER "Booking_latest_assignment_update" AFTER UPDATE ON "Booking" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."interpreterId" IS DISTINCT FROM NEW."interpreterId" OR OLD."startsAt" IS DISTINCT FROM NEW."startsAt")
  EXECUTE FUNCTION "refresh_latest_assignment_updated"();

-- Existing data.
UPDATE "Interpreter" i
SET "latestAssignmentAt" = (SELECT max(b."startsAt") FROM "Booking" b WHERE b."interpreterId" = i."id" AND b."status" IN ('assigned', 'completed'));
