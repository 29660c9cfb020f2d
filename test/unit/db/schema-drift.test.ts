import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "../../../scripts/lib/schema-engine";

describe("migrations and schema.prisma", () => {
  // Replays every migration on a shadow database and diffs it against the Prisma schema with
  // Prisma's own schema engine: any SQL left over means a migration is missing (drift).
  it("produce exactly the same schema (no drift)", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });
});
