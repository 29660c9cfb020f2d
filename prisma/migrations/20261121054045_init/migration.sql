-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('coordinator', 'requester', 'finance');

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('authority', 'school', 'kindergarten', 'clinic', 'counselling', 'other');

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('female', 'male', 'diverse');

-- CreateEnum
CREATE TYPE "Qualification" AS ENUM ('volunteer', 'trained', 'certified');

-- CreateEnum
CREATE TYPE "InterpretingMode" AS ENUM ('onsite', 'phone', 'video');

-- CreateEnum
CREATE TYPE "LanguageLevel" AS ENUM ('native', 'fluent', 'basic');

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "organisationId" UUID,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Organisation" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "municipality" TEXT NOT NULL,
    "costCentre" TEXT,
    "street" TEXT,
    "postcode" TEXT,
    "city" TEXT,
    "contactEmail" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interpreter" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "email" TEXT,
    "gender" "Gender",
    "qualification" "Qualification" NOT NULL DEFAULT 'volunteer',
    "modes" "InterpretingMode"[],
    "homePostcode" TEXT,
    "maxTravelKm" INTEGER,
    "maxAssignmentsPerMonth" INTEGER,
    "iban" TEXT,
    "smsConsentAt" TIMESTAMPTZ(3),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Interpreter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterpreterLanguage" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "dialect" TEXT,
    "level" "LanguageLevel" NOT NULL,

    CONSTRAINT "InterpreterLanguage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterpreterTraining" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "date" DATE NOT NULL,

    CONSTRAINT "InterpreterTraining_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_organisationId_idx" ON "ApiKey"("organisationId");

-- CreateIndex
CREATE INDEX "Organisation_active_idx" ON "Organisation"("active");

-- CreateIndex
CREATE UNIQUE INDEX "Interpreter_phone_key" ON "Interpreter"("phone");

-- CreateIndex
CREATE INDEX "Interpreter_active_idx" ON "Interpreter"("active");

-- CreateIndex
CREATE INDEX "InterpreterLanguage_code_interpreterId_idx" ON "InterpreterLanguage"("code", "interpreterId");

-- CreateIndex
CREATE INDEX "InterpreterLanguage_interpreterId_idx" ON "InterpreterLanguage"("interpreterId");

-- CreateIndex
CREATE INDEX "InterpreterTraining_interpreterId_idx" ON "InterpreterTraining"("interpreterId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterpreterLanguage" ADD CONSTRAINT "InterpreterLanguage_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterpreterTraining" ADD CONSTRAINT "InterpreterTraining_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;
