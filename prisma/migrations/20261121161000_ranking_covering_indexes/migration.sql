-- The ranking of a job's language pool (candidates, offer waves, assignments) reads a few columns
-- of every active person who speaks the language: 500 people of a 10,000-person installation.
-- This index carries those columns for exactly the people who can be candidates, so each person
-- of the pool is one index-only probe, instead of a scan of all 10,000 interpreter rows for a
-- hash join (5.7 → 2.7 ms of execution on the benchmark's 10,000 / 1,000,000 data;
-- scripts/bench/RESULTS.md, fix 15). Inactive and erased records cost it nothing.
-- (schema.prisma cannot declare INCLUDE columns or a predicate; Prisma's diff leaves partial
-- indexes alone.)
CREATE INDEX "Interpreter_ranking_idx" ON "Interpreter"("id")
  INCLUDE ("phone", "gender", "qualification", "homePostcode", "smsConsentAt", "smsOptOutAt", "latestAssignmentAt")
  WHERE "active" AND "erasedAt" IS NULL;

-- An index-only scan still visits the rows of pages changed since the last vacuum (every
-- assignment moves a person's "latestAssignmentAt"). Vacuuming this small table after 1 % of its
-- rows changed, not the default 20 %, keeps those visits few.
ALTER TABLE "Interpreter" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 100);
