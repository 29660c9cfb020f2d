// The outbox when its process dies or shuts down between send slots: the messages it had
// scheduled but not yet handed over must go out from the next process, once. (Found by
// test/process/crash-safety.test.ts: a killed process used to leave its whole batch in `sending`,
// never to be sent.) A shutdown must not wait for the next slot, which may be minutes away when
// instances share the rate. A database of its own: the send schedule is one row for every instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueSms } from "../../../src/features/sms/outbox";
import { createServices } from "../../../src/services";
import type { RecordingSmsSender } from "../../../src/sms/sms-sender";
import { createTestContext, toE164, uniqueMobile, type TestContext } from "../../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../../helpers/test-database";

describe("the SMS outbox across a process that dies between send slots", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;

  beforeAll(async () => {
    own = await privateDatabase("outboxrestart", 4);
    // One SMS per second: a batch of three gets slots now, in 1 s and in 2 s.
    ctx = await createTestContext({ config: { SMS_RATE_PER_SECOND: "1" }, deps: { db: own.db } });
  });

  afterAll(async () => {
    await own?.dispose();
  });

  /** Three messages queued now, and a reading of their [status, attempts] in that order. */
  async function queueThree() {
    const prisma = ctx.deps.db.prisma;
    const phones = [uniqueMobile(), uniqueMobile(), uniqueMobile()].map(toE164);
    const queued = await prisma.$transaction((tx) =>
      enqueueSms(tx, ctx.clock.now(), phones.map((to, index) => ({ to, body: `Nachricht ${index + 1}`, purpose: "reminder_24h" }))),
    );
    const status = async () => (await prisma.smsMessage.findMany({ where: { id: { in: queued.map((row) => row.id) } } }))
      .sort((a, b) => phones.indexOf(a.to) - phones.indexOf(b.to))
      .map((row) => [row.status, row.attempts]);
    return { phones, status };
  }

  async function untilFirstSent(status: () => Promise<unknown[][]>): Promise<void> {
    for (let waited = 0; (await status())[0]![0] !== "sent"; waited += 20) {
      expect(waited, "the first message was never sent").toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The next process, once the slots have passed, sends the other two: each once. */
  async function nextProcessSendsTheRest({ phones, status }: Awaited<ReturnType<typeof queueThree>>): Promise<void> {
    ctx.clock.advance(3_000);
    expect(await createServices(ctx.deps).outbox.deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(await status()).toEqual([["sent", 1], ["sent", 1], ["sent", 1]]);
    expect(phones.map((phone) => (ctx.deps.sms as RecordingSmsSender).to(phone).length)).toEqual([1, 1, 1]);
  }

  it("leaves what the dead process had not handed over queued, and the next process sends each once", async () => {
    const three = await queueThree();
    // The first process hands the first message over, then "dies" waiting for the next slot.
    const dying = createServices({ ...ctx.deps, sleep: () => new Promise<void>(() => {}) });
    void dying.outbox.deliverDue();
    await untilFirstSent(three.status);
    expect(await three.status()).toEqual([["sent", 1], ["queued", 0], ["queued", 0]]);
    await nextProcessSendsTheRest(three);
  });

  it("stops between send slots when it is told to (shutdown), and the next process sends the rest once", async () => {
    // Past the schedule the test before left, so the first message's slot is now.
    ctx.clock.advance(10_000);
    const three = await queueThree();
    // A wait for the next slot ends only when the signal aborts (as the real sleep does, early).
    const stopping = new AbortController();
    const waitsForAbort = (_milliseconds: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener("abort", () => resolve(), { once: true })));
    const delivering = createServices({ ...ctx.deps, sleep: waitsForAbort }).outbox.deliverDue({ signal: stopping.signal });
    await untilFirstSent(three.status);
    stopping.abort();
    expect(await delivering).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await three.status()).toEqual([["sent", 1], ["queued", 0], ["queued", 0]]);
    await nextProcessSendsTheRest(three);
  });
});
