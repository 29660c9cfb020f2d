-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "personalDataRemovedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Interpreter" ADD COLUMN     "calendarTokenCreatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "calendarTokenHash" TEXT,
ADD COLUMN     "erasedAt" TIMESTAMPTZ(3),
ADD COLUMN     "pseudonym" TEXT;

-- AlterTable
ALTER TABLE "SmsMessage" ADD COLUMN     "redactedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "MaintenanceRun" (
    "name" TEXT NOT NULL,
    "lastRunAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MaintenanceRun_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Interpreter_calendarTokenHash_key" ON "Interpreter"("calendarTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Interpreter_pseudonym_key" ON "Interpreter"("pseudonym");

-- CreateIndex
CREATE INDEX "SmsMessage_interpreterId_createdAt_idx" ON "SmsMessage"("interpreterId", "createdAt");

-- CreateIndex
CREATE INDEX "SmsMessage_createdAt_idx" ON "SmsMessage"("createdAt");
