import type { Actor } from "../../auth/actor";
import type { Database } from "../../db/database";
import { formatMinute } from "../../domain/pool-time";
import type { InterpreterEvent } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { afterCursor, isUuid, toPage, type Page } from "../../lib/pagination";
import { dateOnly } from "../availability/availability.service";
import { INTERPRETER_INCLUDE, toInterpreterView } from "../interpreters/interpreters.service";
import type { DataExport, InterpreterEventView } from "./privacy.schemas";

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * The API view of a history event.
 *
 * @example
 * toEventView(row); // { id, at: "2026-11-24T08:00:00.000Z", action: "personal_data_read", actor: { type: "key", keyId }, details: { fields: ["phone"], route } }
 */
export function toEventView(event: InterpreterEvent): InterpreterEventView {
  return {
    id: event.id,
    at: event.at.toISOString(),
    action: event.action,
    actor: { type: event.actorType, keyId: event.actorKeyId },
    details: event.details ?? null,
  };
}

/**
 * Answers to access requests (GDPR Art. 15) and the interpreter's history. The export holds
 * every row about the person; of bookings, what concerns their own work, not clients' case data.
 *
 * @example
 * const data = await createDataExportService({ db, clock }).exportData(actor, interpreterId);
 */
export function createDataExportService({ db, clock }: { db: Database; clock: Clock }) {
  const { prisma } = db;

  async function bookingsOf(id: string) {
    // Assigned now, or assigned once and given back (the history names the person).
    const earlier = await prisma.$queryRaw<{ bookingId: string }[]>`
      SELECT DISTINCT "bookingId"::text AS "bookingId" FROM "BookingEvent" WHERE "details"->>'interpreterId' = ${id}`;
    return prisma.booking.findMany({
      where: { OR: [{ interpreterId: id }, { id: { in: earlier.map((row) => row.bookingId) } }] },
      include: { organisation: { select: { name: true } }, events: { orderBy: [{ at: "asc" }, { id: "asc" }] } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    });
  }

  return {
    /** @throws {ApiError} NOT_FOUND */
    async exportData(actor: Actor, id: string): Promise<DataExport> {
      const row = isUuid(id) ? await prisma.interpreter.findUnique({ where: { id }, include: INTERPRETER_INCLUDE }) : null;
      if (!row) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
      const slots = await prisma.availabilitySlot.findMany({ where: { interpreterId: id }, orderBy: [{ weekday: "asc" }, { fromMinute: "asc" }] });
      const absences = await prisma.absence.findMany({ where: { interpreterId: id }, orderBy: [{ fromDate: "asc" }, { id: "asc" }] });
      const blocks = await prisma.interpreterBlock.findMany({ where: { interpreterId: id }, include: { organisation: { select: { name: true } } }, orderBy: { id: "asc" } });
      const offers = await prisma.offer.findMany({ where: { interpreterId: id }, include: { booking: { select: { code: true } } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      const sms = await prisma.smsMessage.findMany({
        where: { OR: [{ interpreterId: id }, { to: row.phone }, { from: row.phone }] },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      const bookings = await bookingsOf(id);
      const allowances = await prisma.allowance.findMany({ where: { interpreterId: id }, orderBy: [{ serviceDate: "asc" }, { id: "asc" }] });
      const events = await prisma.interpreterEvent.findMany({ where: { interpreterId: id }, orderBy: [{ at: "asc" }, { id: "asc" }] });

      return {
        exportedAt: clock.now().toISOString(),
        interpreter:
          row.erasedAt && row.pseudonym
            ? { id: row.id, pseudonym: row.pseudonym, erasedAt: row.erasedAt.toISOString() }
            : { ...toInterpreterView(row, actor), calendarFeedSince: iso(row.calendarTokenCreatedAt), erasedAt: null, pseudonym: row.pseudonym },
        availability: {
          weekly: slots.map((slot) => ({ weekday: slot.weekday, from: formatMinute(slot.fromMinute), to: formatMinute(slot.toMinute) })),
          absences: absences.map((absence) => ({ from: dateOnly(absence.fromDate), to: dateOnly(absence.toDate), note: absence.note })),
        },
        blocks: blocks.map((block) => ({ organisationId: block.organisationId, organisationName: block.organisation.name, reason: block.reason, createdAt: block.createdAt.toISOString() })),
        offers: offers.map((offer) => ({
          bookingId: offer.bookingId,
          bookingCode: offer.booking.code,
          wave: offer.wave,
          status: offer.status,
          createdAt: offer.createdAt.toISOString(),
          expiresAt: offer.expiresAt.toISOString(),
          respondedAt: iso(offer.respondedAt),
        })),
        smsMessages: sms.map((message) => ({
          id: message.id,
          direction: message.direction,
          to: message.to,
          from: message.from,
          body: message.body,
          reply: message.replyBody,
          status: message.status,
          purpose: message.purpose,
          bookingId: message.bookingId,
          createdAt: message.createdAt.toISOString(),
          sentAt: iso(message.sentAt),
          redactedAt: iso(message.redactedAt),
        })),
        bookings: bookings.map((booking) => ({
          id: booking.id,
          code: booking.code,
          organisationName: booking.organisation.name,
          language: booking.language,
          dialect: booking.dialect,
          startsAt: booking.startsAt.toISOString(),
          endsAt: booking.endsAt.toISOString(),
          mode: booking.mode,
          place: booking.street && booking.postcode && booking.city ? `${booking.street}, ${booking.postcode} ${booking.city}${booking.room ? `, ${booking.room}` : ""}` : null,
          status: booking.status,
          assignedToThisPerson: booking.interpreterId === id,
          outcome: booking.interpreterId === id ? booking.outcome : null,
          actualMinutes: booking.interpreterId === id ? booking.actualMinutes : null,
          travelKm: booking.interpreterId === id ? booking.travelKm : null,
          events: booking.events.map((event) => ({
            at: event.at.toISOString(),
            action: event.action,
            from: event.fromStatus,
            to: event.toStatus,
            actorType: event.actorType,
            reason: event.reason,
          })),
        })),
        allowances: allowances.map((allowance) => ({
          id: allowance.id,
          bookingId: allowance.bookingId,
          serviceDate: allowance.serviceDate.toISOString(),
          year: allowance.year,
          outcome: allowance.outcome,
          amountCents: allowance.amountCents,
          breakdown: allowance.breakdown,
          status: allowance.status,
          exportBatchId: allowance.exportBatchId,
          createdAt: allowance.createdAt.toISOString(),
        })),
        events: events.map(toEventView),
      };
    },

    /** The interpreter's history (reads of personal data, erasure, SMS opt-out/in), oldest first. */
    async history(id: string, query: { limit: number; cursor?: string }): Promise<Page<InterpreterEventView>> {
      const exists = isUuid(id) && (await prisma.interpreter.findUnique({ where: { id }, select: { id: true } }));
      if (!exists) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
      const rows = await prisma.interpreterEvent.findMany({
        where: { AND: [{ interpreterId: id }, afterCursor(query.cursor)] },
        orderBy: { id: "asc" },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, toEventView);
    },
  };
}

export type DataExportService = ReturnType<typeof createDataExportService>;
