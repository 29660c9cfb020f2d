// Races on assignment: one interpreter must never hold two clashing bookings, and a booking never
// gets two interpreters, however many requests arrive at once. On the embedded database PGlite
// runs one transaction at a time; on a PostgreSQL server (project "postgres") the transactions
// really interleave, so the row locks and the exclusion constraint are what is being tested.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestContext, newInterpreter, newOrganisation, type ApiResponse, type TestContext } from "../helpers/test-app";
import { testDatabase } from "../helpers/test-database";
import { ALL_WEEK } from "../helpers/fixtures";

// Classical Syriac: no other test file books it, so candidates and lists here see only our rows.
const LANGUAGE = "syc";
const POSTCODE = "52351";
const RACERS = 20;

let ctx: TestContext;
let organisationId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  organisationId = (await newOrganisation(ctx.coordinator)).id;
});

/** An interpreter who can take any of this file's jobs: language, all modes, available all week. */
async function readyInterpreter(): Promise<string> {
  const interpreter = await newInterpreter(ctx.coordinator, {
    languages: [{ code: LANGUAGE, level: "native" }],
    modes: ["onsite", "phone", "video"],
    homePostcode: POSTCODE,
  });
  const availability = await ctx.coordinator.put(`/v1/interpreters/${interpreter.id}/availability`, { weekly: ALL_WEEK, absences: [] });
  expect(availability.status, JSON.stringify(availability.body)).toBe(200);
  return interpreter.id;
}

/** An open on-site booking at a local (Europe/Berlin, winter: +01:00) date and time. */
async function onsiteBooking(date: string, time: string, durationMinutes: number): Promise<{ id: string; startsAt: string; endsAt: string }> {
  const response = await ctx.coordinator.post("/v1/bookings", {
    organisationId,
    language: LANGUAGE,
    startsAt: `${date}T${time}:00+01:00`,
    durationMinutes,
    mode: "onsite",
    location: { street: "Bismarckstr. 10", postcode: POSTCODE, city: "Düren" },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const assign = (bookingId: string, interpreterId: string) =>
  ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });

/** "HH:MM" for `minutes` after 10:00. */
function clockTime(minutesAfterTen: number): string {
  const total = 10 * 60 + minutesAfterTen;
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

function statusesOf(responses: ApiResponse[]): string {
  return JSON.stringify(responses.map((response) => [response.status, response.body?.error?.code ?? response.body?.status]));
}

/** Exactly one 200; every other response a 409 with `code`. Returns the index of the winner. */
function expectOneWinner(responses: ApiResponse[], code: "DOUBLE_BOOKING" | "INVALID_TRANSITION"): number {
  const winners = responses.flatMap((response, index) => (response.status === 200 ? [index] : []));
  expect(winners, statusesOf(responses)).toHaveLength(1);
  for (const [index, response] of responses.entries()) {
    if (index === winners[0]) continue;
    expect(response.status, statusesOf(responses)).toBe(409);
    expect(response.body.error.code, JSON.stringify(response.body)).toBe(code);
  }
  return winners[0]!;
}

async function historyActions(bookingId: string): Promise<{ status: string; interpreterId: string | null; actions: string[] }> {
  const response = await ctx.coordinator.get(`/v1/bookings/${bookingId}`);
  expect(response.status).toBe(200);
  return {
    status: response.body.status,
    interpreterId: response.body.interpreterId,
    actions: (response.body.history as { action: string }[]).map((entry) => entry.action),
  };
}

describe("simultaneous assignments", () => {
  it("gives one interpreter only one of 20 overlapping bookings requested at the same moment", async () => {
    const interpreterId = await readyInterpreter();
    // 10:00, 10:05, … 11:35, two hours each: every pair overlaps.
    const bookings = [];
    for (let index = 0; index < RACERS; index++) bookings.push(await onsiteBooking("2026-12-10", clockTime(index * 5), 120));

    const responses = await Promise.all(bookings.map((booking) => assign(booking.id, interpreterId)));

    const winner = expectOneWinner(responses, "DOUBLE_BOOKING");
    expect(responses[winner]!.body).toMatchObject({ id: bookings[winner]!.id, status: "assigned", interpreterId });

    const { prisma } = await testDatabase();
    const held = await prisma.booking.findMany({
      where: { interpreterId, startsAt: { lt: new Date(bookings[RACERS - 1]!.endsAt) }, endsAt: { gt: new Date(bookings[0]!.startsAt) } },
      select: { id: true, status: true },
    });
    expect(held).toEqual([{ id: bookings[winner]!.id, status: "assigned" }]);

    for (const [index, booking] of bookings.entries()) {
      const state = await historyActions(booking.id);
      if (index === winner) {
        expect(state).toEqual({ status: "assigned", interpreterId, actions: ["created", "assigned"] });
      } else {
        expect(state).toEqual({ status: "open", interpreterId: null, actions: ["created"] });
      }
    }
  });

  it("gives one booking only one of 20 interpreters assigned at the same moment", async () => {
    const interpreterIds = [];
    for (let index = 0; index < RACERS; index++) interpreterIds.push(await readyInterpreter());
    const booking = await onsiteBooking("2026-12-11", "10:00", 90);

    const responses = await Promise.all(interpreterIds.map((interpreterId) => assign(booking.id, interpreterId)));

    const winner = expectOneWinner(responses, "INVALID_TRANSITION");
    const winnerId = interpreterIds[winner]!;
    expect(responses[winner]!.body).toMatchObject({ id: booking.id, status: "assigned", interpreterId: winnerId });
    for (const [index, response] of responses.entries()) {
      if (index !== winner) expect(response.body.error.details).toEqual({ from: "assigned", to: "assigned" });
    }

    const state = await historyActions(booking.id);
    expect(state.status).toBe("assigned");
    expect(state.interpreterId).toBe(winnerId);
    expect(state.actions).toEqual(["created", "assigned"]);

    const { prisma } = await testDatabase();
    const row = await prisma.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true, interpreterId: true } });
    expect(row).toEqual({ status: "assigned", interpreterId: winnerId });
    const assignedEvents = await prisma.bookingEvent.findMany({ where: { bookingId: booking.id, action: "assigned" } });
    expect(assignedEvents).toHaveLength(1);
    expect(assignedEvents[0]!.details).toMatchObject({ interpreterId: winnerId });
    // The losers hold nothing at that time.
    const losersHolding = await prisma.booking.count({ where: { interpreterId: { in: interpreterIds.filter((id) => id !== winnerId) } } });
    expect(losersHolding).toBe(0);
  });

  it("keeps the travel buffer between two on-site jobs 15 minutes apart when both are assigned at once", async () => {
    const interpreterId = await readyInterpreter();
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      // One day per round (Dec 12 … 21), so earlier rounds' assignments are far away.
      const date = `2026-12-${String(12 + round).padStart(2, "0")}`;
      const first = await onsiteBooking(date, "10:00", 60); // 10:00–11:00
      const second = await onsiteBooking(date, "11:15", 60); // 11:15–12:15: no overlap, but within 30 minutes
      const pair = [first, second];
      // Alternate which request is sent first.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];

      const responses = await Promise.all(order.map((index) => assign(pair[index]!.id, interpreterId)));

      const winner = expectOneWinner(responses, "DOUBLE_BOOKING");
      const loser = pair[order[1 - winner]!]!;
      expect(responses[1 - winner]!.body.error.details).toMatchObject({ rule: "overlap" });
      expect(await historyActions(loser.id)).toEqual({ status: "open", interpreterId: null, actions: ["created"] });
      expect(await historyActions(pair[order[winner]!]!.id)).toMatchObject({ status: "assigned", interpreterId });
    }

    const { prisma } = await testDatabase();
    expect(await prisma.booking.count({ where: { interpreterId, status: "assigned" } })).toBe(rounds);
  });
});

describe("the database itself", () => {
  it("refuses a second overlapping assignment written past the application (exclusion constraint, 23P01)", async () => {
    const interpreterId = await readyInterpreter();
    const held = await onsiteBooking("2026-12-22", "10:00", 120);
    const other = await onsiteBooking("2026-12-22", "11:00", 60);
    const assigned = await assign(held.id, interpreterId);
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);

    const { prisma } = await testDatabase();
    const forced = prisma.$executeRawUnsafe(
      `UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $1::uuid, "assignedAt" = now() WHERE "id" = $2::uuid`,
      interpreterId,
      other.id,
    );
    const error: unknown = await forced.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error, "the UPDATE went through").not.toBeNull();
    const text = error instanceof Error ? `${error.message} ${JSON.stringify((error as { meta?: unknown }).meta ?? null)}` : String(error);
    expect(text).toMatch(/23P01/);
    expect(text).toMatch(/Booking_no_double_booking|exclusion constraint/i);

    const row = await prisma.booking.findUniqueOrThrow({ where: { id: other.id }, select: { status: true, interpreterId: true } });
    expect(row).toEqual({ status: "open", interpreterId: null });
    // A booking that does not overlap is still accepted by the same kind of statement: the refusal is about the overlap.
    const later = await onsiteBooking("2026-12-22", "16:00", 60);
    await expect(
      prisma.$executeRawUnsafe(
        `UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $1::uuid, "assignedAt" = now() WHERE "id" = $2::uuid`,
        interpreterId,
        later.id,
      ),
    ).resolves.toBe(1);
  });
});
