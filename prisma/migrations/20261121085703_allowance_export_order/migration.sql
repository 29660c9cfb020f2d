-- DropIndex
DROP INDEX "Allowance_exportBatchId_idx";

-- CreateIndex
CREATE INDEX "Allowance_exportBatchId_serviceDate_id_idx" ON "Allowance"("exportBatchId", "serviceDate", "id");
