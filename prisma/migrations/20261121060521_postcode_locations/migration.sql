-- CreateTable
CREATE TABLE "PostcodeLocation" (
    "postcode" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "place" TEXT,

    CONSTRAINT "PostcodeLocation_pkey" PRIMARY KEY ("postcode")
);
