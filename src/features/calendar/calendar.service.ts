import type { Database } from "../../db/database";
import { calendarEventOf, type CalendarJob } from "../../domain/calendar-events";
import { renderCalendar } from "../../domain/icalendar";
import { smsTexts } from "../../domain/sms-texts";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { sha256Hex } from "../../lib/encoding";
import { isUuid } from "../../lib/pagination";
import { toBase64Url, type RandomSource } from "../../lib/random";
import { enqueueSms } from "../sms/outbox";
import { jobTextOf } from "../bookings/booking-change";

export interface CalendarServiceDeps {
  db: Database;
  clock: Clock;
  random: RandomSource;
}

/** 256 random bits: the token is the only thing guarding the feed. */
const TOKEN_BYTES = 32;
/** A token as `createToken` makes them (base64url of 32 bytes); anything else is not looked up. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** How far back the feed reaches; later jobs are all in it. */
export const FEED_PAST_DAYS = 90;
/** A feed never grows beyond this many events (the latest are kept). */
const FEED_MAX_EVENTS = 1000;

export interface CalendarToken {
  url: string;
  webcalUrl: string;
  createdAt: string;
  /** The queued SMS with the link (`sendSms: true`), else null. */
  smsMessageId: string | null;
}

export interface CalendarFeed {
  body: string;
  /** The latest change of any booking in it, for Last-Modified. */
  lastModified: Date | null;
}

const notFound = (id: string) => new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);

/**
 * Interpreters' calendar feeds: the secret address (create, rotate, revoke) and the feed behind it.
 *
 * @example
 * const calendar = createCalendarService(deps);
 * const { url } = await calendar.createToken(interpreterId, { sendSms: false, baseUrl: "https://pool.example" });
 */
export function createCalendarService({ db, clock, random }: CalendarServiceDeps) {
  const { prisma } = db;

  return {
    /**
     * Creates the interpreter's secret feed address, replacing any earlier one (which stops working
     * at once). Only the SHA-256 of the token is stored; the address is shown this once. With
     * `sendSms` the link goes out by SMS, in the same transaction, unless the person opted out of SMS
     * or never consented (409, and nothing changes).
     */
    async createToken(id: string, options: { sendSms: boolean; baseUrl: string }): Promise<CalendarToken> {
      if (!isUuid(id)) throw notFound(id);
      const token = toBase64Url(random.bytes(TOKEN_BYTES));
      const hash = await sha256Hex(token);
      const url = new URL(`/v1/calendar/${token}.ics`, options.baseUrl).toString();
      return prisma.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "Interpreter" WHERE "id" = ${id}::uuid FOR UPDATE`;
        if (locked.length === 0) throw notFound(id);
        const person = await tx.interpreter.findUniqueOrThrow({ where: { id } });
        if (person.erasedAt) throw notFound(id);
        if (!person.active) throw new ApiError("CONFLICT", "The interpreter is inactive; activate them before giving them a calendar.");
        if (options.sendSms && person.smsOptOutAt) {
          throw new ApiError("SMS_OPTED_OUT", "The interpreter's number has opted out of SMS (STOP); give them the link another way.");
        }
        if (options.sendSms && !person.smsConsentAt) {
          throw new ApiError("NO_SMS_CONSENT", "The interpreter has not agreed to SMS (smsConsent); give them the link another way.");
        }
        const now = clock.now();
        await tx.interpreter.update({ where: { id }, data: { calendarTokenHash: hash, calendarTokenCreatedAt: now } });
        const [sms] = options.sendSms
          ? await enqueueSms(tx, now, [{ to: person.phone, body: smsTexts.calendarLink(url), purpose: "calendar_link", interpreterId: id }])
          : [];
        return { url, webcalUrl: url.replace(/^https?:/, "webcal:"), createdAt: now.toISOString(), smsMessageId: sms?.id ?? null };
      });
    },

    /** Revokes the feed address at once. @throws {ApiError} NOT_FOUND when there is none */
    async revokeToken(id: string): Promise<void> {
      if (!isUuid(id)) throw notFound(id);
      const { count } = await prisma.interpreter.updateMany({
        where: { id, calendarTokenHash: { not: null } },
        data: { calendarTokenHash: null, calendarTokenCreatedAt: null },
      });
      if (count === 0) {
        const exists = await prisma.interpreter.findUnique({ where: { id }, select: { id: true } });
        throw exists ? new ApiError("NOT_FOUND", `The interpreter ${id} has no calendar address.`) : notFound(id);
      }
    },

    /**
     * The feed behind a token: the person's jobs from FEED_PAST_DAYS ago on, and the jobs they were
     * assigned to and lost (cancelled, given back, given to someone else) as cancelled events.
     * Unknown or revoked tokens, inactive and erased people have none.
     */
    async feed(token: string): Promise<CalendarFeed> {
      const missing = new ApiError("NOT_FOUND", "No calendar at this address (the link may have been replaced or revoked).");
      if (!TOKEN_FORMAT.test(token)) throw missing;
      const person = await prisma.interpreter.findUnique({ where: { calendarTokenHash: await sha256Hex(token) }, select: { id: true, active: true, erasedAt: true } });
      if (!person || !person.active || person.erasedAt) throw missing;
      const now = clock.now();
      const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
      const rows = await prisma.booking.findMany({
        where: {
          AND: [
            { endsAt: { gte: since } },
            {
              OR: [
                { interpreterId: person.id },
                // Everyone ever assigned is in the booking's history (assign by key or by SMS).
                { events: { some: { action: "assigned", details: { path: ["interpreterId"], equals: person.id } } } },
              ],
            },
          ],
        },
        include: { organisation: { select: { name: true } }, _count: { select: { events: true } } },
        orderBy: [{ startsAt: "desc" }, { id: "asc" }],
        take: FEED_MAX_EVENTS,
      });
      const jobs: CalendarJob[] = rows.map((row) => ({
        ...jobTextOf(row),
        bookingId: row.id,
        topic: row.topic,
        status: row.status,
        assignedToThem: row.interpreterId === person.id,
        revision: row._count.events,
        updatedAt: row.updatedAt,
      }));
      const events = jobs.reverse().map(calendarEventOf);
      const lastModified = rows.reduce<Date | null>((latest, row) => (!latest || row.updatedAt > latest ? row.updatedAt : latest), null);
      return { body: renderCalendar(events, { name: "Dolmetscheinsätze" }), lastModified };
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
