import type { Database } from "../../db/database";
import type { Clock } from "../../lib/clock";
import type { RandomSource } from "../../lib/random";
import { createDataExportService } from "./data-export.service";
import { createErasureService } from "./erasure.service";

/**
 * Data protection for interpreters: access export, history and erasure.
 *
 * @example
 * const privacy = createPrivacyService({ db, clock, random });
 * await privacy.erase(actor, interpreterId); // { id, pseudonym: "P-7K2M9Q", erasedAt, unassignedBookings, withdrawnOffers }
 */
export function createPrivacyService(deps: { db: Database; clock: Clock; random: RandomSource }) {
  const exports = createDataExportService(deps);
  const erasure = createErasureService(deps);
  return {
    erase: erasure.erase,
    exportData: exports.exportData,
    history: exports.history,
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
