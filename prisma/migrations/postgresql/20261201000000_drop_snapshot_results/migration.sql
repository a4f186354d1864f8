-- Results are derived from the stored sufficient statistics on every read (one source of truth).
-- AlterTable
ALTER TABLE "Snapshot" DROP COLUMN "results";
