import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker";

const KEY = "workers-test-bootstrap-key-0123456789abcdef";
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };

async function call(method: string, path: string, body?: unknown) {
  const response = await SELF.fetch(`https://pool.example.org${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as any };
}

async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env as never, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the Worker (workerd, PostgreSQL through Hyperdrive)", () => {
  it("answers the health check from the database", async () => {
    const response = await SELF.fetch("https://pool.example.org/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: { kind: "postgres", ok: true } });
  });

  it("creates the bootstrap key on its scheduled run and serves an authenticated booking round trip", async () => {
    await runScheduled();
    const organisation = await call("POST", "/v1/organisations", { name: "Jobcenter Düren", kind: "authority", municipality: "Düren" });
    expect(organisation.status).toBe(201);
    const startsAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const booking = await call("POST", "/v1/bookings", {
      organisationId: organisation.body.id,
      language: "nau",
      startsAt,
      durationMinutes: 60,
      mode: "phone",
    });
    expect(booking.status).toBe(201);
    expect(booking.body).toMatchObject({ status: "open", language: "na", code: expect.stringMatching(/^\d{4,6}$/) });
    const read = await call("GET", `/v1/bookings/${booking.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.history[0]).toMatchObject({ action: "created", to: "open" });
  });

  it("runs the dispatch tick from the cron trigger: a waiting booking is offered by SMS", async () => {
    await runScheduled();
    const organisation = await call("POST", "/v1/organisations", { name: "Grundschule Nord", kind: "school", municipality: "Düren" });
    const startsAt = new Date(Date.now() + 4 * 86_400_000).toISOString();
    // Nobody speaks the language yet: the booking waits for someone (needsAttention).
    const booking = await call("POST", "/v1/bookings", { organisationId: organisation.body.id, language: "gil", startsAt, durationMinutes: 45, mode: "phone" });
    expect(booking.status).toBe(201);
    expect((await call("GET", `/v1/bookings/${booking.body.id}`)).body).toMatchObject({ status: "open", needsAttention: true });

    const interpreter = await call("POST", "/v1/interpreters", {
      name: "Teuea Tekaie",
      phone: "0151 77788899",
      languages: [{ code: "gil", level: "native" }],
      modes: ["phone"],
      smsConsent: true,
    });
    expect(interpreter.status).toBe(201);
    const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: "00:00", to: "24:00" }));
    expect((await call("PUT", `/v1/interpreters/${interpreter.body.id}/availability`, { weekly: allWeek, absences: [] })).status).toBe(200);

    await runScheduled();
    const after = (await call("GET", `/v1/bookings/${booking.body.id}`)).body;
    expect(after).toMatchObject({ status: "offered", needsAttention: false });
    const messages = await call("GET", `/v1/sms/messages?bookingId=${booking.body.id}`);
    expect(messages.body.items).toEqual([
      expect.objectContaining({ to: "+4915177788899", purpose: "offer", status: "sent", body: expect.stringContaining(`Dolmetscheinsatz ${booking.body.code}`) }),
    ]);
  });
});
