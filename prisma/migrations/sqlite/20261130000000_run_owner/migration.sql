-- Runs carry their owner (host, pid, heartbeat); one active run per experiment is a unique index.
-- Runs the previous version left "running" have no owner to check: they are marked interrupted.
UPDATE "Snapshot"
SET "status" = 'failed',
    "error" = 'interrupted: the process running this analysis stopped before it finished',
    "finishedAt" = strftime('%Y-%m-%dT%H:%M:%S.000+00:00', 'now') -- Prisma's text form of a DateTime
WHERE "status" = 'running';

-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN "activeExperimentId" TEXT;
ALTER TABLE "Snapshot" ADD COLUMN "ownerHost" TEXT;
ALTER TABLE "Snapshot" ADD COLUMN "ownerPid" INTEGER;
ALTER TABLE "Snapshot" ADD COLUMN "heartbeatAt" DATETIME;

-- CreateIndex
CREATE UNIQUE INDEX "Snapshot_activeExperimentId_key" ON "Snapshot"("activeExperimentId");
