// `npm run retention [-- --dry-run]` as a real process on a database of its own (a fresh embedded
// data folder, or a scratch database on the PostgreSQL server in project "postgres"), with rows
// from 2020 (long past the 24 months) and from now. The tool uses the real clock.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToExit, toolWorkspace, type RunResult } from "../helpers/child-process";

const PROCESS_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 150_000;
const onPostgres = process.env.TEST_DB_KIND === "postgres";
const DAY_MS = 86_400_000;

describe.sequential(`npm run retention (${onPostgres ? "PostgreSQL server" : "embedded database"})`, () => {
  const workspace = toolWorkspace("retention");
  const ids = { oldBooking: "", recentBooking: "", oldSms: "", recentSms: "", allowance: "", oldRead: "", recentRead: "", optOut: "" };

  /** `npm run retention -- <args>` in the project folder. */
  const retention = (args: string[]): Promise<RunResult> => runToExit("npm", ["run", "--silent", "retention", "--", ...args], workspace.env, PROCESS_TIMEOUT_MS);

  beforeAll(async () => {
    await workspace.open();
    await workspace.withDatabase(async (db) => {
      await db.migrate();
      const { prisma } = db;
      const organisation = await prisma.organisation.create({ data: { name: "Jobcenter Düren", kind: "authority", municipality: "Düren" } });
      const person = await prisma.interpreter.create({ data: { name: "Amina Haddad", phone: "+4915112345678" } });
      const contact = { contactName: "Frau Schmitz", contactPhone: "02421 123-456", notes: "Klientin spricht nur Dari", caseReference: "BG-2020-0815" };
      const base = { organisationId: organisation.id, language: "prs", durationMinutes: 60, mode: "phone" as const, ...contact };
      const old = await prisma.booking.create({
        data: { ...base, code: "4711", startsAt: new Date("2020-03-02T09:00:00Z"), endsAt: new Date("2020-03-02T10:00:00Z"), status: "completed", interpreterId: person.id, completionNote: "Herr Ahmadi kam zu spät" },
      });
      const soon = new Date(Date.now() + DAY_MS);
      const recent = await prisma.booking.create({ data: { ...base, code: "4712", startsAt: soon, endsAt: new Date(soon.getTime() + 3_600_000) } });
      const sms = (body: string, createdAt: Date) => prisma.smsMessage.create({ data: { direction: "outbound", to: person.phone, body, status: "delivered", purpose: "offer", createdAt } });
      const allowance = await prisma.allowance.create({
        data: { bookingId: old.id, interpreterId: person.id, organisationId: organisation.id, outcome: "done", serviceDate: old.startsAt, year: 2020, amountCents: 2000, breakdown: [], status: "paid", createdAt: old.endsAt },
      });
      // Records of reads of the phone number: one from 2020 (long past the 365 days), one from now; and an SMS opt-out from 2020, which is no read.
      const event = (action: string, at: Date) =>
        prisma.interpreterEvent.create({ data: { interpreterId: person.id, at, action, actorType: "key", details: { fields: ["phone"], route: "GET /v1/interpreters" } } });
      Object.assign(ids, {
        oldRead: (await event("personal_data_read", new Date("2020-03-02T09:30:00Z"))).id,
        recentRead: (await event("personal_data_read", new Date())).id,
        optOut: (await event("sms_opt_out", new Date("2020-03-02T09:30:00Z"))).id,
        oldBooking: old.id,
        recentBooking: recent.id,
        oldSms: (await sms("Dolmetscheinsatz 4711: Dari, Mo 02.03. 10:00", new Date("2020-02-28T09:00:00Z"))).id,
        recentSms: (await sms("Dolmetscheinsatz 4712: Dari", new Date())).id,
        allowance: allowance.id,
      });
    });
  }, STEP_TIMEOUT_MS);

  afterAll(() => workspace.dispose());

  async function snapshot() {
    return workspace.withDatabase(async ({ prisma }) => ({
      old: await prisma.booking.findUniqueOrThrow({ where: { id: ids.oldBooking }, select: { contactName: true, contactPhone: true, notes: true, caseReference: true, completionNote: true, personalDataRemovedAt: true } }),
      recent: await prisma.booking.findUniqueOrThrow({ where: { id: ids.recentBooking }, select: { contactName: true, notes: true, personalDataRemovedAt: true } }),
      oldSms: await prisma.smsMessage.findUniqueOrThrow({ where: { id: ids.oldSms }, select: { body: true, redactedAt: true } }),
      recentSms: await prisma.smsMessage.findUniqueOrThrow({ where: { id: ids.recentSms }, select: { body: true, redactedAt: true } }),
      allowance: await prisma.allowance.findUniqueOrThrow({ where: { id: ids.allowance }, select: { amountCents: true, status: true } }),
      events: (await prisma.interpreterEvent.findMany({ where: { id: { in: [ids.oldRead, ids.recentRead, ids.optOut] } }, select: { id: true } })).map((row) => row.id).sort(),
    }));
  }

  it(
    "--dry-run shows what would go, per kind, and changes nothing",
    async () => {
      const before = await snapshot();
      const result = await retention(["--dry-run"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Retention: personal data from before \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(Europe\/Berlin, RETENTION_MONTHS=24\)\.$/m);
      expect(result.stdout).toContain("Dry run, nothing was changed. Would remove:");
      expect(result.stdout).toContain("bookings (contact name and phone, notes, case reference, free text): 1\n");
      expect(result.stdout).toContain("SMS texts: 1\n");
      expect(result.stdout).toMatch(/^ {2}records of reads of phone numbers and IBANs from before \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(READ_AUDIT_RETENTION_DAYS=365\): 1$/m);
      expect(await snapshot()).toEqual(before);
      expect(before.events).toHaveLength(3);
      expect(before.old.contactName).toBe("Frau Schmitz");
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "without --dry-run removes it: old contact data, free text, SMS texts and records of reads go, recent data, other history and finance records stay",
    async () => {
      const result = await retention([]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("Removed:");
      expect(result.stdout).toContain("bookings (contact name and phone, notes, case reference, free text): 1\n");
      expect(result.stdout).toContain("SMS texts: 1\n");
      const after = await snapshot();
      expect(after.old).toEqual({ contactName: null, contactPhone: null, notes: null, caseReference: null, completionNote: null, personalDataRemovedAt: expect.any(Date) });
      expect(after.oldSms).toEqual({ body: "", redactedAt: expect.any(Date) });
      expect(after.recent).toEqual({ contactName: "Frau Schmitz", notes: "Klientin spricht nur Dari", personalDataRemovedAt: null });
      expect(after.recentSms).toEqual({ body: "Dolmetscheinsatz 4712: Dari", redactedAt: null });
      expect(after.allowance).toEqual({ amountCents: 2000, status: "paid" });
      expect(result.stdout).toMatch(/records of reads of phone numbers and IBANs from before .*: 1$/m);
      expect(after.events).toEqual([ids.recentRead, ids.optOut].sort());

      const again = await retention(["--dry-run"]);
      expect(again.stdout).toContain("bookings (contact name and phone, notes, case reference, free text): 0\n");
      expect(again.stdout).toContain("SMS texts: 0\n");
      expect(again.stdout).toMatch(/records of reads of phone numbers and IBANs from before .*: 0$/m);
    },
    2 * STEP_TIMEOUT_MS,
  );

  it(
    "refuses unknown options with the usage",
    async () => {
      const result = await retention(["--everything"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Usage: npm run retention [-- --dry-run]");
    },
    STEP_TIMEOUT_MS,
  );
});
