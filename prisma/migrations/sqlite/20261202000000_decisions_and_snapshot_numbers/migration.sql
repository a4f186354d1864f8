-- Decisions (issue 12): a planned MDE per experiment, archiving, snapshot numbers per experiment
-- (#1, #2, … in the order the runs were claimed) and the team's recorded decisions.

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "plannedMde" REAL NOT NULL DEFAULT 0.05;
ALTER TABLE "Experiment" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "Snapshot" ADD COLUMN "number" INTEGER;

-- Existing snapshots are numbered per experiment by id (their claim order)
UPDATE "Snapshot"
SET "number" = (SELECT COUNT(*) FROM "Snapshot" s WHERE s."experimentId" = "Snapshot"."experimentId" AND s."id" <= "Snapshot"."id");

-- CreateTable
CREATE TABLE "ExperimentDecision" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "experimentId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "variant" TEXT,
    "actor" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExperimentDecision_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Snapshot_experimentId_number_key" ON "Snapshot"("experimentId", "number");

-- CreateIndex
CREATE INDEX "ExperimentDecision_experimentId_createdAt_idx" ON "ExperimentDecision"("experimentId", "createdAt");
