import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingSmsSender } from "../../../src/sms/sms-sender";
import { ALL_WEEK } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../../helpers/test-app";
import { serverPrivateDatabase } from "../../helpers/test-database";
import { replyOf, smsTestConfig } from "../../helpers/twilio";
import { sendSms } from "./settled-sms";

describe("SMS dispatch end to end", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let sms: RecordingSmsSender;
  let organisationId: string;

  beforeAll(async () => {
    own = await serverPrivateDatabase("dispatchflow");
    ctx = await createTestContext({ config: { ...smsTestConfig, AUTO_DISPATCH: "true", OFFER_WAVE_SIZE: "2" }, ...(own ? { deps: { db: own.db } } : {}) });
    sms = ctx.deps.sms as RecordingSmsSender;
    organisationId = (await newOrganisation(ctx.coordinator, { name: "Jobcenter Düren" })).id;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function interpreter(name: string) {
    const created = await newInterpreter(ctx.coordinator, { name, languages: [{ code: "pap", level: "native" }] });
    await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    return created as { id: string; phone: string };
  }

  it("offers a new booking in waves, takes NEIN and JA, confirms, withdraws the rest and reminds", async () => {
    const people = [await interpreter("Ana"), await interpreter("Bea"), await interpreter("Cid")];
    const created = await ctx.coordinator.post("/v1/bookings", {
      organisationId,
      language: "pap",
      startsAt: "2026-11-26T09:30:00+01:00",
      durationMinutes: 60,
      mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" },
    });
    expect(created.status).toBe(201);
    const booking = created.body;
    expect((await ctx.coordinator.get(`/v1/bookings/${booking.id}`)).body.status).toBe("offered");

    // The outbox sends the first wave (two of three, fairness then id) when the tick delivers.
    const tick = await ctx.coordinator.post("/v1/dispatch/tick");
    expect(tick.status).toBe(200);
    const offered = people.filter((person) => sms.to(person.phone).length > 0);
    expect(offered).toHaveLength(2);
    const offerText = sms.to(offered[0]!.phone)[0]!;
    expect(offerText).toBe(`Dolmetscheinsatz ${booking.code}: Papiamento, Do 26.11. 09:30-10:30, Jobcenter Düren, Bismarckstr. 10, 52351 Düren. Zusage: JA ${booking.code} - Absage: NEIN ${booking.code}`);

    const declined = await sendSms(ctx, offered[0]!.phone, `nein ${booking.code}`);
    expect(declined.status).toBe(200);
    expect(replyOf(declined)).toContain("Absage");

    const accepted = await sendSms(ctx, offered[1]!.phone, `Ja, ${booking.code}`);
    expect(replyOf(accepted)).toMatch(new RegExp(`^Bestätigt: Einsatz ${booking.code}`));
    const assigned = (await ctx.coordinator.get(`/v1/bookings/${booking.id}`)).body;
    expect(assigned).toMatchObject({ status: "assigned", interpreterId: offered[1]!.id });
    expect(assigned.history.map((entry: { action: string }) => entry.action)).toEqual(["created", "offered", "offer_declined", "assigned"]);

    // A wave ends only when all its offers are answered or lapsed: the third person was never asked.
    await ctx.coordinator.post("/v1/dispatch/tick");
    const third = people.find((person) => !offered.includes(person))!;
    expect(sms.to(third.phone)).toEqual([]);

    // 24 hours before the start the interpreter is reminded, once.
    ctx.clock.set("2026-11-25T08:31:00Z");
    await ctx.coordinator.post("/v1/dispatch/tick");
    await ctx.coordinator.post("/v1/dispatch/tick");
    const reminders = sms.to(offered[1]!.phone).filter((text) => text.startsWith("Erinnerung"));
    expect(reminders).toHaveLength(1);
  });
});
