-- Ranking a job's language pool read each speaker's row of "Interpreter" through the covering index
-- "Interpreter_ranking_idx": one index probe per person, 500 of them for a 10,000-person
-- installation, 2.0–2.3 ms of the statement's execution. With the few columns the ranking needs
-- copied onto the person's rows of "InterpreterLanguage", the whole pool is one range of one index
-- (index-only, no join): 0.6–0.8 ms (scripts/bench/RESULTS.md, fix 38).
--
-- The copies ("person…") are kept by the triggers below and never written by the service:
-- - a change of any copied column of "Interpreter" (including "latestAssignmentAt", which the
--   triggers on "Booking" keep) rewrites the person's language rows in the same transaction;
-- - a new (or re-assigned) language row takes the person's values when it is written. Every
--   writer of languages locks the person's row first (interpreters.service, the CSV import, the
--   erasure), so no change of the person can commit between that read and the writer's commit.
ALTER TABLE "InterpreterLanguage"
  ADD COLUMN "personActive" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "personPhone" TEXT,
  ADD COLUMN "personGender" "Gender",
  ADD COLUMN "personQualification" "Qualification" NOT NULL DEFAULT 'volunteer',
  ADD COLUMN "personHomePostcode" TEXT,
  ADD COLUMN "personReachable" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "personLatestAssignmentAt" TIMESTAMPTZ(3);

CREATE OR REPLACE FUNCTION "copy_person_to_languages"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "InterpreterLanguage" SET
    "personActive" = NEW."active" AND NEW."erasedAt" IS NULL,
    "personPhone" = NEW."phone",
    "personGender" = NEW."gender",
    "personQualification" = NEW."qualification",
    "personHomePostcode" = NEW."homePostcode",
    "personReachable" = NEW."smsConsentAt" IS NOT NULL AND NEW."smsOptOutAt" IS NULL,
    "personLatestAssignmentAt" = NEW."latestAssignmentAt"
  WHERE "interpreterId" = NEW."id";
  RETURN NULL;
END $$;

-- Only when a copied column changed: most updates of a person (name, email, IBAN, calendar link,
-- "updatedAt") leave the language rows alone.
CREATE TRIGGER "Interpreter_copy_to_languages"
AFTER UPDATE ON "Interpreter" FOR EACH ROW
WHEN (OLD."active" IS DISTINCT FROM NEW."active" OR OLD."erasedAt" IS DISTINCT FROM NEW."erasedAt"
  OR OLD."phone" IS DISTINCT FROM NEW."phone" OR OLD."gender" IS DISTINCT FROM NEW."gender"
  OR OLD."qualification" IS DISTINCT FROM NEW."qualification" OR OLD."homePostcode" IS DISTINCT FROM NEW."homePostcode"
  OR OLD."smsConsentAt" IS DISTINCT FROM NEW."smsConsentAt" OR OLD."smsOptOutAt" IS DISTINCT FROM NEW."smsOptOutAt"
  OR OLD."latestAssignmentAt" IS DISTINCT FROM NEW."latestAssignmentAt")
EXECUTE FUNCTION "copy_person_to_languages"();

CREATE OR REPLACE FUNCTION "copy_person_into_language"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT i."active" AND i."erasedAt" IS NULL, i."phone", i."gender", i."qualification", i."homePostcode",
         i."smsConsentAt" IS NOT NULL AND i."smsOptOutAt" IS NULL, i."latestAssignmentAt"
  INTO NEW."personActive", NEW."personPhone", NEW."personGender", NEW."personQualification", NEW."personHomePostcode",
       NEW."personReachable", NEW."personLatestAssignmentAt"
  FROM "Interpreter" i WHERE i."id" = NEW."interpreterId";
  RETURN NEW;
END $$;

CREATE TRIGGER "InterpreterLanguage_copy_from_person"
BEFORE INSERT OR UPDATE OF "interpreterId" ON "InterpreterLanguage"
FOR EACH ROW EXECUTE FUNCTION "copy_person_into_language"();

-- The rows that exist already get their copies from the same trigger: an UPDATE that names
-- "interpreterId" fires it, whether or not the value changes.
UPDATE "InterpreterLanguage" SET "interpreterId" = "interpreterId";

-- The pool of a language: its speakers who can be candidates, in one index range, with every
-- column the ranking reads. It replaces the (code, person, dialect) index, whose other readers
-- (the facts of a whole pool) ask for active people only and are served by it as well, and the
-- covering index on "Interpreter" that the ranking probed per person. (schema.prisma cannot
-- declare INCLUDE columns or a predicate; Prisma's diff leaves partial indexes alone.)
DROP INDEX "InterpreterLanguage_code_interpreterId_dialect_idx";
DROP INDEX "Interpreter_ranking_idx";
CREATE INDEX "InterpreterLanguage_pool_idx" ON "InterpreterLanguage"("code", "interpreterId", "dialect")
  INCLUDE ("personPhone", "personGender", "personQualification", "personHomePostcode", "personReachable", "personLatestAssignmentAt")
  WHERE "personActive";

-- An index-only scan visits the table for rows of pages changed since the last vacuum, and every
-- assignment now changes its person's language rows: vacuum this table after 1 % of its rows
-- changed, as "Interpreter" (migration ranking_covering_indexes).
ALTER TABLE "InterpreterLanguage" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 100);
