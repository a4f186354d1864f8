-- Running experiments (issue 13): the data source and refresh schedule of an experiment, its
-- assignment phases, the phase each analysis covered, and the collection inbox.

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "dataSource" TEXT NOT NULL DEFAULT 'warehouse';
ALTER TABLE "Experiment" ADD COLUMN "refreshHours" INTEGER NOT NULL DEFAULT 6;

-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN "phase" TEXT;

-- CreateTable
CREATE TABLE "ExperimentPhase" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "experimentId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT,
    "variants" TEXT NOT NULL,
    "weights" TEXT NOT NULL,
    "coverage" REAL NOT NULL DEFAULT 1,
    "hashAttribute" TEXT NOT NULL DEFAULT 'id',
    "seed" TEXT,
    "namespace" TEXT,
    "condition" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExperimentPhase_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CollectedItem" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "batchId" TEXT
);

-- CreateTable
CREATE TABLE "CollectBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "warehouse" TEXT NOT NULL,
    "items" INTEGER NOT NULL,
    "ownerHost" TEXT NOT NULL,
    "ownerPid" INTEGER NOT NULL,
    "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "flushedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "ExperimentPhase_experimentId_number_key" ON "ExperimentPhase"("experimentId", "number");

-- CreateIndex
CREATE INDEX "CollectedItem_batchId_idx" ON "CollectedItem"("batchId");

-- CreateIndex
CREATE INDEX "CollectBatch_flushedAt_idx" ON "CollectBatch"("flushedAt");
