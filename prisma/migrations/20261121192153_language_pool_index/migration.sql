-- The ranking of a job's language pool finds its speakers by this index (code, then person) and
-- needs the dialect of each: with the dialect in the index that is an index-only scan instead of
-- a visit to every table page that holds one of the 500 rows (on the benchmark's 10,000-person data,
-- 2.0 → 1.5–1.7 ms per ranking; scripts/bench/RESULTS.md, fix 17). It serves every query the
-- index it replaces served.
-- DropIndex
DROP INDEX "InterpreterLanguage_code_interpreterId_idx";

-- CreateIndex
CREATE INDEX "InterpreterLanguage_code_interpreterId_dialect_idx" ON "InterpreterLanguage"("code", "interpreterId", "dialect");
