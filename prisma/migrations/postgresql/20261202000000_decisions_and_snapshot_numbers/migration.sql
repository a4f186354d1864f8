-- Decisions (issue 12): a planned MDE per experiment, archiving, snapshot numbers per experiment
-- (#1, #2, … in the order the runs were claimed) and the team's recorded decisions.

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "plannedMde" DOUBLE PRECISION NOT NULL DEFAULT 0.05,
ADD COLUMN "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN "number" INTEGER;

-- Existing snapshots are numbered per experiment by id (their claim order)
UPDATE "Snapshot" AS s
SET "number" = n.rn
FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "experimentId" ORDER BY "id") AS rn FROM "Snapshot") AS n
WHERE n."id" = s."id";

-- CreateTable
CREATE TABLE "ExperimentDecision" (
    "id" SERIAL NOT NULL,
    "experimentId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "variant" TEXT,
    "actor" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Snapshot_experimentId_number_key" ON "Snapshot"("experimentId", "number");

-- CreateIndex
CREATE INDEX "ExperimentDecision_experimentId_createdAt_idx" ON "ExperimentDecision"("experimentId", "createdAt");

-- AddForeignKey
ALTER TABLE "ExperimentDecision" ADD CONSTRAINT "ExperimentDecision_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
