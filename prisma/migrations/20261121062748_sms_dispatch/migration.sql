-- CreateEnum
CREATE TYPE "SmsDirection" AS ENUM ('outbound', 'inbound');

-- CreateEnum
CREATE TYPE "SmsStatus" AS ENUM ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'unknown', 'received');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('pending', 'accepted', 'declined', 'expired', 'withdrawn', 'failed');

-- CreateEnum
CREATE TYPE "WebhookStatus" AS ENUM ('pending', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "needsAttention" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Interpreter" ADD COLUMN     "smsOptOutAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "webhookSecret" TEXT,
ADD COLUMN     "webhookUrl" TEXT;

-- CreateTable
CREATE TABLE "Offer" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "wave" INTEGER NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'pending',
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "respondedAt" TIMESTAMPTZ(3),
    "messageId" UUID,

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reminder" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "hoursBefore" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmsMessage" (
    "id" UUID NOT NULL,
    "direction" "SmsDirection" NOT NULL,
    "to" TEXT NOT NULL,
    "from" TEXT,
    "body" TEXT NOT NULL,
    "status" "SmsStatus" NOT NULL,
    "providerSid" TEXT,
    "purpose" TEXT NOT NULL,
    "bookingId" UUID,
    "interpreterId" UUID,
    "replyBody" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "statusUpdatedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SmsMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmsThrottle" (
    "id" INTEGER NOT NULL,
    "nextSlotAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SmsThrottle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterpreterEvent" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorKeyId" UUID,
    "details" JSONB,

    CONSTRAINT "InterpreterEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Offer_interpreterId_status_idx" ON "Offer"("interpreterId", "status");

-- CreateIndex
CREATE INDEX "Offer_status_expiresAt_idx" ON "Offer"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Offer_bookingId_interpreterId_key" ON "Offer"("bookingId", "interpreterId");

-- CreateIndex
CREATE UNIQUE INDEX "Reminder_bookingId_interpreterId_hoursBefore_key" ON "Reminder"("bookingId", "interpreterId", "hoursBefore");

-- CreateIndex
CREATE UNIQUE INDEX "SmsMessage_providerSid_key" ON "SmsMessage"("providerSid");

-- CreateIndex
CREATE INDEX "SmsMessage_status_nextAttemptAt_idx" ON "SmsMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SmsMessage_bookingId_idx" ON "SmsMessage"("bookingId");

-- CreateIndex
CREATE INDEX "SmsMessage_to_createdAt_idx" ON "SmsMessage"("to", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "InterpreterEvent_interpreterId_at_idx" ON "InterpreterEvent"("interpreterId", "at");

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reminder" ADD CONSTRAINT "Reminder_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterpreterEvent" ADD CONSTRAINT "InterpreterEvent_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;
