-- Runs carry their owner (host, pid, heartbeat); one active run per experiment is a unique index.
-- Runs the previous version left "running" have no owner to check: they are marked interrupted.
UPDATE "Snapshot"
SET "status" = 'failed',
    "error" = 'interrupted: the process running this analysis stopped before it finished',
    "finishedAt" = now() AT TIME ZONE 'UTC' -- TIMESTAMP(3) columns hold UTC (Prisma's convention), whatever the server's zone
WHERE "status" = 'running';

-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN "activeExperimentId" TEXT,
ADD COLUMN "ownerHost" TEXT,
ADD COLUMN "ownerPid" INTEGER,
ADD COLUMN "heartbeatAt" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "Snapshot_activeExperimentId_key" ON "Snapshot"("activeExperimentId");
