import { beforeAll, describe, expect, it } from "vitest";
import { createPostcodeService } from "../../src/features/postcodes/postcodes.service";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../helpers/test-app";
import { ALL_WEEK } from "../helpers/fixtures";

// Postcodes no other test file uses, so the coordinates loaded here change nobody else's ranking.
const HERE = "07901";
const NEAR = "07902"; // ~5 km
const FAR = "07903"; // ~40 km
const geonames = [
  ["DE", HERE, "Ort A", "", "", "", "", "", "", "50.8000", "6.4800", "4"],
  ["DE", NEAR, "Ort B", "", "", "", "", "", "", "50.8400", "6.5100", "4"],
  ["DE", FAR, "Ort C", "", "", "", "", "", "", "50.9375", "6.9603", "4"],
]
  .map((cells) => cells.join("\t"))
  .join("\n");

describe("travel distance from postcode coordinates", () => {
  let ctx: TestContext;
  let organisationId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    expect(await createPostcodeService(ctx.deps.db).importGeonames(geonames)).toEqual({ postcodes: 3 });
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  async function interpreter(homePostcode: string, maxTravelKm: number | null) {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: "gsw", level: "native" }], homePostcode, maxTravelKm, modes: ["onsite", "phone"] });
    await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    return created;
  }

  async function booking(mode: "onsite" | "phone") {
    const response = await ctx.coordinator.post("/v1/bookings", {
      organisationId,
      language: "gsw",
      startsAt: "2026-12-08T10:00:00+01:00",
      durationMinutes: 60,
      mode,
      location: { street: "Markt 1", postcode: HERE, city: "Ort A" },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  it("ranks nearer interpreters first among equals, names the distance, and respects maxTravelKm", async () => {
    const far = await interpreter(FAR, null);
    const near = await interpreter(NEAR, 10);
    const tooFar = await interpreter(FAR, 20);
    const onsite = await booking("onsite");

    const result = (await ctx.coordinator.get(`/v1/bookings/${onsite.id}/candidates?includeExcluded=true`)).body;
    const ids = result.candidates.map((candidate: { interpreter: { id: string } }) => candidate.interpreter.id);
    expect(ids.indexOf(near.id)).toBeLessThan(ids.indexOf(far.id));
    expect(result.candidates[ids.indexOf(near.id)].reasons).toContain("ca. 5 km entfernt");
    expect(result.candidates[ids.indexOf(far.id)].reasons).toContain("ca. 37 km entfernt");
    const excluded = result.excluded.find((entry: { interpreter: { id: string } }) => entry.interpreter.id === tooFar.id);
    expect(excluded).toMatchObject({ rule: "travel_distance", reason: "zu weit: ca. 37 km, höchstens 20 km" });

    // Distance does not matter for phone jobs.
    const phone = await booking("phone");
    const phoneResult = (await ctx.coordinator.get(`/v1/bookings/${phone.id}/candidates`)).body;
    expect(phoneResult.candidates.map((candidate: { interpreter: { id: string } }) => candidate.interpreter.id)).toContain(tooFar.id);
  });
});
