import type { Database } from "../../db/database";
import { distanceKm, parseGeonamesPostcodes } from "../../domain/geo";
import type { SqlTx } from "../../db/sql-transaction";
import { ApiError } from "../../lib/api-error";

type Db = Pick<SqlTx, "$queryRaw">;

/**
 * Distances from several postcodes to one, in km (null where a postcode is not in the directory).
 * Reads through the client it is given, so it can run inside a transaction (the embedded database
 * has one connection: a read outside a running transaction would wait for it forever).
 */
export interface PostcodeDistances {
  distancesKm(db: Db, from: string[], to: string): Promise<Map<string, number | null>>;
}

const IMPORT_CHUNK = 1000;

export function createPostcodeService(db: Database) {
  const { prisma } = db;
  return {
    /** Straight-line distances from the directory loaded with `importGeonames`, in one query. */
    distances: {
      async distancesKm(client: Db, from: string[], to: string) {
        const wanted = [...new Set([...from, to])];
        const rows = await client.$queryRaw<{ postcode: string; latitude: number; longitude: number }[]>`
          SELECT "postcode", "latitude"::float8 AS "latitude", "longitude"::float8 AS "longitude" FROM "PostcodeLocation" WHERE "postcode" = ANY(${wanted}::text[])`;
        const located = new Map(rows.map((row) => [row.postcode, row]));
        const target = located.get(to);
        return new Map(
          from.map((postcode) => {
            if (postcode === to) return [postcode, 0];
            const origin = located.get(postcode);
            return [postcode, origin && target ? distanceKm(origin, target) : null];
          }),
        );
      },
    } satisfies PostcodeDistances,

    /** Loads (or refreshes) postcode coordinates from a GeoNames postal code file; all or nothing. */
    async importGeonames(text: string): Promise<{ postcodes: number }> {
      const { rows, problems } = parseGeonamesPostcodes(text);
      if (problems.length > 0) {
        throw new ApiError(
          "VALIDATION_FAILED",
          `The file was not imported: ${problems.length} unreadable line(s), first line ${problems[0]!.line}.`,
          problems.slice(0, 100).map((problem) => ({ row: problem.line, path: ["(line)"], message: problem.message, in: "file" })),
        );
      }
      if (rows.length === 0) throw new ApiError("VALIDATION_FAILED", "The file has no German postcodes (GeoNames format, country DE).");
      await prisma.$transaction(
        async (tx) => {
          for (let start = 0; start < rows.length; start += IMPORT_CHUNK) {
            const chunk = rows.slice(start, start + IMPORT_CHUNK);
            await tx.postcodeLocation.deleteMany({ where: { postcode: { in: chunk.map((row) => row.postcode) } } });
            await tx.postcodeLocation.createMany({ data: chunk });
          }
        },
        { timeout: 5 * 60_000, maxWait: 60_000 },
      );
      return { postcodes: rows.length };
    },
  };
}

export type PostcodeService = ReturnType<typeof createPostcodeService>;
