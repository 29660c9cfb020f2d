// The dispatch tick and the webhook delivery when the process shuts down while they run: the tick
// finishes the booking in hand and leaves the others to the next tick, which sends their waves
// (each once); the delivery finishes the webhook in hand (each may wait 10 s for its endpoint) and
// gives the untried ones back as they were. Before, both held the shutdown past
// SHUTDOWN_TIMEOUT_MS. A database of its own: a tick acts on every booking of the database.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../../src/services";
import { ALL_WEEK } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../../helpers/test-database";

const NOW = "2026-11-24T08:00:00.000Z";
const HOUR = 3_600_000;
const LANGUAGE = "tig"; // Tigre

/**
 * A signal that reads as aborted from its `checks + 1`-th look on: a shutdown that arrives while
 * the tick handles its first booking. Everything else is a real (never aborted) AbortSignal.
 */
function abortedAfterChecks(checks: number): AbortSignal {
  let looks = 0;
  const real = new AbortController().signal;
  return new Proxy(real, {
    get(target, property) {
      if (property === "aborted") return ++looks > checks;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("a dispatch tick that is told to stop", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  const bookings: string[] = [];

  beforeAll(async () => {
    own = await privateDatabase("tickstop", 4);
    ctx = await createTestContext({ deps: { db: own.db } });
    ctx.clock.set(NOW);
    const organisationId = (await newOrganisation(ctx.coordinator)).id;
    const people: string[] = [];
    for (let n = 0; n < 3; n++) {
      const person = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }], modes: ["phone"] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK })).status).toBe(200);
      people.push(person.id);
    }
    // Three jobs on three days, each offered to the first person only.
    for (const day of ["2026-12-01", "2026-12-02", "2026-12-03"]) {
      const created = await ctx.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt: `${day}T10:00:00+01:00`, durationMinutes: 60, mode: "phone" });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const offered = await ctx.coordinator.post(`/v1/bookings/${created.body.id}/offers`, { interpreterIds: [people[0]] });
      expect(offered.status, JSON.stringify(offered.body)).toBe(200);
      bookings.push(created.body.id);
    }
    // Nobody answers: when the offers lapse, each job is due for its next wave.
    ctx.clock.advance(3 * HOUR);
  });

  afterAll(async () => {
    await own?.dispose();
  });

  const waves = async () =>
    Promise.all(bookings.map(async (id) => (await ctx.deps.db.prisma.offer.findMany({ where: { bookingId: id }, select: { wave: true } })).reduce((top, offer) => Math.max(top, offer.wave), 0)));

  it("finishes the booking in hand, leaves the rest to the next tick, and sends nothing twice", async () => {
    const services = createServices(ctx.deps);
    // Stopped before it starts: the lapsed offers expire (one statement), no wave goes out.
    const stoppedAtOnce = new AbortController();
    stoppedAtOnce.abort();
    const first = await services.dispatch.tick({ deliver: false, signal: stoppedAtOnce.signal });
    expect(first).toMatchObject({ expiredOffers: 3, wavesSent: 0, reminders: 0, interrupted: true });
    expect(await waves()).toEqual([1, 1, 1]);

    // Stopped while the first booking's wave goes out: that one is finished, the others wait.
    const second = await services.dispatch.tick({ deliver: false, signal: abortedAfterChecks(1) });
    expect(second).toMatchObject({ wavesSent: 1, offersSent: 2, interrupted: true });
    expect((await waves()).sort()).toEqual([1, 1, 2]);

    // The next tick sends the other two.
    const third = await services.dispatch.tick({ deliver: false });
    expect(third).toMatchObject({ wavesSent: 2, offersSent: 4, interrupted: false });
    expect(await waves()).toEqual([2, 2, 2]);
    const offers = await ctx.deps.db.prisma.offer.findMany({ where: { bookingId: { in: bookings } }, select: { bookingId: true, interpreterId: true } });
    expect(offers).toHaveLength(9);
    expect(new Set(offers.map((offer) => `${offer.bookingId} ${offer.interpreterId}`)).size).toBe(9);
  });

  it("delivers the webhook in hand when told to stop, and gives the untried ones back for the next run", async () => {
    // The organisation's endpoint; its first request arrives while the delivery runs: the stop comes then.
    const stopping = new AbortController();
    const received: string[] = [];
    const endpoint = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push((JSON.parse(body) as { bookingId: string }).bookingId);
        stopping.abort();
        response.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    try {
      const organisationId = (await newOrganisation(ctx.coordinator)).id;
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hook`;
      expect((await ctx.coordinator.post(`/v1/organisations/${organisationId}/webhook`, { url })).status).toBe(200);
      const person = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }], modes: ["phone"] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK })).status).toBe(200);
      // Three status changes of the organisation's bookings: three webhooks due.
      const ours: string[] = [];
      for (const day of ["2026-12-07", "2026-12-08", "2026-12-09"]) {
        const created = await ctx.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt: `${day}T10:00:00+01:00`, durationMinutes: 60, mode: "phone" });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect((await ctx.coordinator.post(`/v1/bookings/${created.body.id}/offers`, { interpreterIds: [person.id] })).status).toBe(200);
        ours.push(created.body.id);
      }
      const deliveries = async () =>
        (await ctx.deps.db.prisma.webhookDelivery.findMany({ where: { organisationId }, orderBy: { createdAt: "asc" } })).map((row) => [row.status, row.attempts]);
      expect(await deliveries()).toEqual([["pending", 0], ["pending", 0], ["pending", 0]]);

      const services = createServices(ctx.deps);
      expect(await services.webhooks.deliverDue({ signal: stopping.signal })).toEqual({ delivered: 1, failed: 0 });
      expect((await deliveries()).sort()).toEqual([["delivered", 1], ["pending", 0], ["pending", 0]]);

      expect(await services.webhooks.deliverDue()).toEqual({ delivered: 2, failed: 0 });
      expect(await deliveries()).toEqual([["delivered", 1], ["delivered", 1], ["delivered", 1]]);
      expect(received.sort()).toEqual([...ours].sort());
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});
