-- One source of truth for results: every number is derived from Snapshot.sufficientStats (which
-- carries the control variant at analysis time), so the stored stats answer goes.
ALTER TABLE "Snapshot" DROP COLUMN "results";
