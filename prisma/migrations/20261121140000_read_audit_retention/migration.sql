-- The daily retention job deletes records of reads of personal data ("personal_data_read" history
-- entries) older than READ_AUDIT_RETENTION_DAYS, oldest first, in batches: each batch reads this index.
-- CreateIndex
CREATE INDEX "InterpreterEvent_action_at_idx" ON "InterpreterEvent"("action", "at");
