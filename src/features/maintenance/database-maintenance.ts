import type { Database } from "../../db/database";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import { runDaily } from "./daily-run";

export const DATABASE_MAINTENANCE_JOB = "database_maintenance";

export interface DatabaseMaintenanceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/**
 * Once a day, the housekeeping a PostgreSQL server's autovacuum does by itself: fresh planner
 * statistics (without them the planner guesses row counts, and a guess made for a nearly empty
 * table can make a statement a thousand times slower — RESULTS.md, fix 11), dead row versions
 * cleared for reuse, and the visibility map that index-only scans need. The embedded database runs
 * no background workers, so it does none of this unless asked; on a server this job does nothing.
 */
export function createDatabaseMaintenance(deps: DatabaseMaintenanceDeps) {
  return {
    /**
     * Runs the maintenance if the database needs it from us and no instance ran it in the last 24
     * hours; returns how long it took, or null when nothing ran.
     *
     * @example
     * await maintenance.runIfDue(); // { milliseconds: 84 } on the embedded database, once a day
     */
    async runIfDue(): Promise<{ milliseconds: number } | null> {
      if (!deps.db.maintenance) return null;
      const maintain = deps.db.maintenance;
      return runDaily(deps.db.prisma, DATABASE_MAINTENANCE_JOB, deps.clock.now(), async () => {
        const started = performance.now();
        await maintain();
        const milliseconds = Math.round(performance.now() - started);
        deps.logger.info({ milliseconds }, "database maintenance ran (VACUUM, ANALYZE)");
        return { milliseconds };
      });
    },
  };
}

export type DatabaseMaintenance = ReturnType<typeof createDatabaseMaintenance>;
