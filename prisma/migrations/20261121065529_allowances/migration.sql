-- CreateEnum
CREATE TYPE "AllowanceStatus" AS ENUM ('pending', 'approved', 'exported', 'paid', 'rejected');

-- CreateEnum
CREATE TYPE "ExportStatus" AS ENUM ('exported', 'voided', 'paid');

-- CreateTable
CREATE TABLE "Tariff" (
    "id" UUID NOT NULL,
    "validFrom" DATE NOT NULL,
    "organisationId" UUID,
    "organisationKind" "OrganisationKind",
    "model" JSONB NOT NULL,
    "travelCentsPerKm" INTEGER,
    "lateCancellationHours" DOUBLE PRECISION NOT NULL DEFAULT 24,
    "lateCancellationPay" JSONB NOT NULL,
    "createdByKeyId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Tariff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allowance" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "tariffId" UUID,
    "outcome" TEXT NOT NULL,
    "serviceDate" TIMESTAMPTZ(3) NOT NULL,
    "year" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "breakdown" JSONB NOT NULL,
    "status" "AllowanceStatus" NOT NULL,
    "rejectionReason" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedByKeyId" UUID,
    "exportBatchId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Allowance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExportBatch" (
    "id" UUID NOT NULL,
    "status" "ExportStatus" NOT NULL DEFAULT 'exported',
    "upTo" TIMESTAMPTZ(3),
    "organisationId" UUID,
    "allowanceCount" INTEGER NOT NULL,
    "totalCents" INTEGER NOT NULL,
    "createdByKeyId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "paidAt" TIMESTAMPTZ(3),
    "voidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ExportBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Allowance_bookingId_key" ON "Allowance"("bookingId");

-- CreateIndex
CREATE INDEX "Allowance_status_serviceDate_idx" ON "Allowance"("status", "serviceDate");

-- CreateIndex
CREATE INDEX "Allowance_interpreterId_year_idx" ON "Allowance"("interpreterId", "year");

-- CreateIndex
CREATE INDEX "Allowance_organisationId_year_idx" ON "Allowance"("organisationId", "year");

-- CreateIndex
CREATE INDEX "Allowance_exportBatchId_idx" ON "Allowance"("exportBatchId");

-- AddForeignKey
ALTER TABLE "Allowance" ADD CONSTRAINT "Allowance_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allowance" ADD CONSTRAINT "Allowance_exportBatchId_fkey" FOREIGN KEY ("exportBatchId") REFERENCES "ExportBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
