-- Every matching reads the weekly slots of each person it looks at: the first 21 of a candidates
-- answer, the top of an offer wave, the person being assigned. With the slot columns in an index
-- on "interpreterId", each person's slots are one index-only probe instead of a bitmap scan that
-- visits seven table rows (scripts/bench/RESULTS.md, fix 27: with the slots read as numbers too,
-- the facts of 21 people took 0.45 → 0.3 ms).
-- The predicate is the CHECK every slot meets, so the index holds every row; the facts statement
-- states it too, which lets the planner use the index. (schema.prisma cannot declare INCLUDE
-- columns; Prisma's diff leaves partial indexes alone. Its plain index on "interpreterId" stays
-- for the foreign key.)
CREATE INDEX "AvailabilitySlot_weekly_idx" ON "AvailabilitySlot"("interpreterId")
  INCLUDE ("weekday", "fromMinute", "toMinute")
  WHERE "fromMinute" < "toMinute";

-- An index-only scan still visits the rows of pages changed since the last vacuum (a person's
-- slots are replaced when they change): vacuum this small table after 1 % of its rows changed or
-- were added, not the default 20 %.
ALTER TABLE "AvailabilitySlot" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 100,
  autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_insert_threshold = 100);
