-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('open', 'offered', 'assigned', 'completed', 'unfilled', 'cancelled');

-- CreateEnum
CREATE TYPE "BookingTopic" AS ENUM ('general', 'medical', 'psychosocial', 'school', 'authority', 'youth_welfare');

-- CreateEnum
CREATE TYPE "BookingOutcome" AS ENUM ('done', 'client_no_show', 'interpreter_no_show');

-- CreateEnum
CREATE TYPE "CancelledBy" AS ENUM ('requester', 'interpreter', 'coordinator');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('key', 'sms', 'system');

-- CreateTable
CREATE TABLE "AvailabilitySlot" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "fromMinute" INTEGER NOT NULL,
    "toMinute" INTEGER NOT NULL,

    CONSTRAINT "AvailabilitySlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "fromDate" DATE NOT NULL,
    "toDate" DATE NOT NULL,
    "note" TEXT,

    CONSTRAINT "Absence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterpreterBlock" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "createdByKeyId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InterpreterBlock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookingSeries" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "weekdays" INTEGER[],
    "until" DATE,
    "count" INTEGER,
    "createdByKeyId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookingSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "organisationId" UUID NOT NULL,
    "seriesId" UUID,
    "language" TEXT NOT NULL,
    "dialect" TEXT,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "mode" "InterpretingMode" NOT NULL,
    "street" TEXT,
    "postcode" TEXT,
    "city" TEXT,
    "room" TEXT,
    "setting" TEXT,
    "topic" "BookingTopic" NOT NULL DEFAULT 'general',
    "sensitive" BOOLEAN NOT NULL DEFAULT false,
    "genderPreference" "Gender",
    "genderRequired" BOOLEAN NOT NULL DEFAULT false,
    "caseReference" TEXT,
    "contactName" TEXT,
    "contactPhone" TEXT,
    "notes" TEXT,
    "status" "BookingStatus" NOT NULL DEFAULT 'open',
    "interpreterId" UUID,
    "assignedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelledBy" "CancelledBy",
    "cancellationReason" TEXT,
    "lateCancellation" BOOLEAN,
    "outcome" "BookingOutcome",
    "completedAt" TIMESTAMPTZ(3),
    "actualStartsAt" TIMESTAMPTZ(3),
    "actualMinutes" INTEGER,
    "travelKm" INTEGER,
    "completionNote" TEXT,
    "createdByKeyId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookingEvent" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorKeyId" UUID,
    "actorPhone" TEXT,
    "action" TEXT NOT NULL,
    "fromStatus" "BookingStatus",
    "toStatus" "BookingStatus",
    "reason" TEXT,
    "details" JSONB,

    CONSTRAINT "BookingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AvailabilitySlot_interpreterId_idx" ON "AvailabilitySlot"("interpreterId");

-- CreateIndex
CREATE INDEX "Absence_interpreterId_fromDate_idx" ON "Absence"("interpreterId", "fromDate");

-- CreateIndex
CREATE INDEX "InterpreterBlock_organisationId_idx" ON "InterpreterBlock"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "InterpreterBlock_interpreterId_organisationId_key" ON "InterpreterBlock"("interpreterId", "organisationId");

-- CreateIndex
CREATE INDEX "Booking_startsAt_id_idx" ON "Booking"("startsAt", "id");

-- CreateIndex
CREATE INDEX "Booking_organisationId_startsAt_idx" ON "Booking"("organisationId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_status_startsAt_idx" ON "Booking"("status", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_interpreterId_startsAt_idx" ON "Booking"("interpreterId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_seriesId_idx" ON "Booking"("seriesId");

-- CreateIndex
CREATE INDEX "BookingEvent_bookingId_at_idx" ON "BookingEvent"("bookingId", "at");

-- AddForeignKey
ALTER TABLE "AvailabilitySlot" ADD CONSTRAINT "AvailabilitySlot_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterpreterBlock" ADD CONSTRAINT "InterpreterBlock_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterpreterBlock" ADD CONSTRAINT "InterpreterBlock_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "BookingSeries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingEvent" ADD CONSTRAINT "BookingEvent_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma's schema language cannot express these):

-- A booking code identifies a job in SMS replies while the job is active; afterwards it may be reused.
CREATE UNIQUE INDEX "Booking_code_active_key" ON "Booking"("code") WHERE "status" IN ('open', 'offered', 'assigned');

-- An assigned or completed booking always names its interpreter.
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_assigned_has_interpreter"
  CHECK ("status" NOT IN ('assigned', 'completed') OR "interpreterId" IS NOT NULL);

-- No interpreter holds two assigned bookings at overlapping times: the database refuses it,
-- whatever the application does. (Travel buffers are enforced under a row lock in the service.)
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_double_booking"
  EXCLUDE USING gist ("interpreterId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE ("status" IN ('assigned', 'completed') AND "interpreterId" IS NOT NULL);

ALTER TABLE "AvailabilitySlot" ADD CONSTRAINT "AvailabilitySlot_valid"
  CHECK ("weekday" BETWEEN 1 AND 7 AND "fromMinute" >= 0 AND "toMinute" <= 1440 AND "fromMinute" < "toMinute");
ALTER TABLE "Absence" ADD CONSTRAINT "Absence_valid" CHECK ("fromDate" <= "toDate");
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_valid_times" CHECK ("startsAt" < "endsAt");
