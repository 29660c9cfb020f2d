import { PRISMA_UNIQUE_VIOLATION, isExclusionViolation, prismaErrorCode, type Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import { isLateCancellation } from "../../domain/booking-lifecycle";
import { normaliseMobileNumber } from "../../domain/phone";
import { parseSmsReply } from "../../domain/sms-reply";
import { smsTexts } from "../../domain/sms-texts";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { assignmentChange, lockBooking } from "../bookings/booking-actions.service";
import { applyBookingChange, jobTextOf } from "../bookings/booking-change";
import type { HistoryActor } from "../bookings/booking-history";
import type { PostcodeDistances } from "../postcodes/postcodes.service";

type Tx = Prisma.TransactionClient;

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

export interface InboundResult {
  reply: string | null;
  /** Bookings the reply reopened or whose offers all ended: dispatch should look at them now. */
  redispatch: string[];
  duplicate: boolean;
}

export interface InboundDeps {
  db: Database;
  clock: Clock;
  travelBufferMinutes: number;
  distances: PostcodeDistances;
  lateCancellationHours: number;
}

interface Outcome {
  reply: string | null;
  redispatch?: string[];
  bookingId?: string | null;
  interpreterId?: string | null;
}

/**
 * Handles one SMS from an interpreter: JA/NEIN/ABSAGE with a job code (or bare, when only one
 * offer is open), STOP/START, anything else gets help. Everything — recording the message,
 * the booking change, the SMS to others, the reply — happens in one transaction, so a repeated
 * webhook delivery (same MessageSid) changes nothing and gets the same answer.
 */
export function createInboundService(deps: InboundDeps) {
  const { prisma } = deps.db;
  const factsOptions = { travelBufferMinutes: deps.travelBufferMinutes, distances: deps.distances };

  async function pendingOffers(tx: Tx, interpreterId: string) {
    return tx.offer.findMany({
      where: { interpreterId, status: "pending", booking: { status: { in: ["open", "offered"] } } },
      include: { booking: { select: { id: true, code: true } } },
      orderBy: { createdAt: "asc" },
    });
  }

  async function accept(tx: Tx, now: Date, interpreterId: string, by: HistoryActor, code: string | null): Promise<Outcome> {
    const open = await pendingOffers(tx, interpreterId);
    let offer = code ? open.find((candidate) => candidate.booking.code === code) : open.length === 1 ? open[0] : undefined;
    if (!code && open.length === 0) return { reply: smsTexts.noOpenOffer() };
    if (!code && open.length > 1) return { reply: smsTexts.askForCode(open.map((candidate) => candidate.booking.code)) };
    if (!offer) {
      // Not (or no longer) pending: say why.
      const earlier = await tx.offer.findFirst({
        where: { interpreterId, booking: { code: code! } },
        include: { booking: { select: { status: true, interpreterId: true } } },
        orderBy: { createdAt: "desc" },
      });
      if (!earlier) return { reply: smsTexts.unknownCode(code!) };
      if (earlier.status === "accepted" && earlier.booking.interpreterId === interpreterId) return { reply: smsTexts.alreadyTaken(code!) };
      if (earlier.status === "expired") return { reply: smsTexts.expired(code!) };
      if (earlier.booking.status === "assigned") return { reply: smsTexts.alreadyTaken(code!) };
      return { reply: smsTexts.withdrawn(code!) };
    }
    const row = await lockBooking(tx, offer.booking.id);
    if (!row) return { reply: smsTexts.unknownCode(offer.booking.code) };
    if (row.status !== "open" && row.status !== "offered") {
      await tx.offer.update({ where: { id: offer.id }, data: { status: "withdrawn", respondedAt: now } });
      return { reply: row.status === "assigned" ? smsTexts.alreadyTaken(row.code) : smsTexts.withdrawn(row.code), bookingId: row.id };
    }
    try {
      const change = await assignmentChange(tx, factsOptions, row, interpreterId, {
        reason: "Zusage per SMS",
        now,
        unknownInterpreter: () => new ApiError("NOT_FOUND", "Unknown interpreter"),
      });
      await tx.offer.update({ where: { id: offer.id }, data: { status: "accepted", respondedAt: now } });
      const after = await applyBookingChange(tx, now, row, change, by);
      return { reply: smsTexts.confirmation(jobTextOf(after)), bookingId: row.id };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // The yes cannot be taken (a clash, or the interpreter no longer fits): it counts as a no.
      await tx.offer.update({ where: { id: offer.id }, data: { status: "declined", respondedAt: now } });
      const details = error.details as { rule?: string; reason?: string } | null;
      const clash = /Einsatz (\d+)\)/.exec(details?.reason ?? "")?.[1];
      const reply = error.code === "DOUBLE_BOOKING" && clash ? smsTexts.notFree(row.code, clash) : smsTexts.notAvailable(row.code);
      return { reply, bookingId: row.id, redispatch: [row.id] };
    }
  }

  async function decline(tx: Tx, now: Date, interpreterId: string, by: HistoryActor, code: string | null): Promise<Outcome> {
    const open = await pendingOffers(tx, interpreterId);
    if (!code && open.length === 0) return { reply: smsTexts.noOpenOffer() };
    if (!code && open.length > 1) return { reply: smsTexts.askForCode(open.map((candidate) => candidate.booking.code)) };
    const offer = code ? open.find((candidate) => candidate.booking.code === code) : open[0];
    if (!offer) return { reply: code ? smsTexts.unknownCode(code) : smsTexts.noOpenOffer() };
    await tx.offer.update({ where: { id: offer.id }, data: { status: "declined", respondedAt: now } });
    await tx.bookingEvent.create({
      data: {
        bookingId: offer.booking.id, at: now, actorType: "sms", actorPhone: by.type === "sms" ? by.phone : null,
        action: "offer_declined", details: { interpreterId },
      },
    });
    return { reply: smsTexts.declined(offer.booking.code), bookingId: offer.booking.id, redispatch: [offer.booking.id] };
  }

  /** ABSAGE: the interpreter gives back an accepted job; it reopens and dispatch starts again. */
  async function withdraw(tx: Tx, now: Date, interpreterId: string, by: HistoryActor, code: string | null): Promise<Outcome> {
    const assigned = await tx.booking.findMany({
      where: { interpreterId, status: "assigned", startsAt: { gt: new Date(now.getTime() - 24 * 3_600_000) }, ...(code ? { code } : {}) },
      select: { id: true, code: true },
      orderBy: { startsAt: "asc" },
    });
    if (assigned.length === 0) return { reply: code ? smsTexts.notAssigned(code) : smsTexts.noOpenOffer() };
    if (!code && assigned.length > 1) return { reply: smsTexts.askForCode(assigned.map((booking) => booking.code)) };
    const row = await lockBooking(tx, assigned[0]!.id);
    if (!row || row.status !== "assigned" || row.interpreterId !== interpreterId) return { reply: smsTexts.notAssigned(assigned[0]!.code) };
    const late = isLateCancellation(row.startsAt, now, deps.lateCancellationHours);
    await applyBookingChange(
      tx,
      now,
      row,
      {
        data: { status: "open", interpreterId: null, assignedAt: null, needsAttention: false },
        history: { action: "interpreter_cancelled", from: "assigned", to: "open", reason: "Absage per SMS", details: { interpreterId, late } },
      },
      by,
    );
    return { reply: smsTexts.withdrawalReceived(row.code), bookingId: row.id, redispatch: [row.id] };
  }

  async function optOut(tx: Tx, now: Date, interpreterId: string, optedOut: boolean): Promise<Outcome> {
    await tx.interpreter.update({ where: { id: interpreterId }, data: { smsOptOutAt: optedOut ? now : null } });
    await tx.interpreterEvent.create({ data: { interpreterId, at: now, action: optedOut ? "sms_opt_out" : "sms_opt_in", actorType: "sms" } });
    if (optedOut) {
      // Open offers can no longer be answered: they count as a no.
      const open = await pendingOffers(tx, interpreterId);
      await tx.offer.updateMany({ where: { id: { in: open.map((offer) => offer.id) } }, data: { status: "declined", respondedAt: now } });
      // Every job that was waiting for this person's answer gets its next wave.
      return { reply: smsTexts.optedOut(), redispatch: [...new Set(open.map((offer) => offer.booking.id))] };
    }
    return { reply: smsTexts.optedIn() };
  }

  async function respond(tx: Tx, now: Date, message: InboundSms, phone: string): Promise<Outcome> {
    const interpreter = await tx.interpreter.findUnique({ where: { phone }, select: { id: true } });
    if (!interpreter) return { reply: smsTexts.unknownNumber() };
    const by: HistoryActor = { type: "sms", phone };
    const reply = parseSmsReply(message.body);
    const id = interpreter.id;
    switch (reply.kind) {
      case "accept":
        return { ...(await accept(tx, now, id, by, reply.code)), interpreterId: id };
      case "decline":
        return { ...(await decline(tx, now, id, by, reply.code)), interpreterId: id };
      case "withdraw":
        return { ...(await withdraw(tx, now, id, by, reply.code)), interpreterId: id };
      case "opt_out":
        return { ...(await optOut(tx, now, id, true)), interpreterId: id };
      case "opt_in":
        return { ...(await optOut(tx, now, id, false)), interpreterId: id };
      default:
        return { reply: smsTexts.help(), interpreterId: id };
    }
  }

  return {
    async handle(message: InboundSms): Promise<InboundResult> {
      const parsed = normaliseMobileNumber(message.from);
      const phone = parsed.ok ? parsed.e164 : message.from;
      try {
        return await withRetry(() =>
          prisma.$transaction(async (tx) => {
            const now = deps.clock.now();
            // Claims the MessageSid first: a concurrent repeat waits here, then finds it taken.
            const inbound = await tx.smsMessage.create({
              data: { direction: "inbound", to: message.to, from: phone, body: message.body, status: "received", providerSid: message.messageSid, purpose: "reply", createdAt: now },
            });
            const outcome = await respond(tx, now, message, phone);
            await tx.smsMessage.update({
              where: { id: inbound.id },
              data: { replyBody: outcome.reply, bookingId: outcome.bookingId ?? null, interpreterId: outcome.interpreterId ?? null },
            });
            if (outcome.reply) {
              // The answer goes back as TwiML; it is logged like any other outgoing SMS.
              await tx.smsMessage.create({
                data: {
                  direction: "outbound", to: phone, from: message.to, body: outcome.reply, status: "sent", purpose: "reply",
                  bookingId: outcome.bookingId ?? null, interpreterId: outcome.interpreterId ?? null, createdAt: now, sentAt: now,
                },
              });
            }
            return { reply: outcome.reply, redispatch: outcome.redispatch ?? [], duplicate: false };
          }),
        );
      } catch (error) {
        if (prismaErrorCode(error) === PRISMA_UNIQUE_VIOLATION) {
          const earlier = await prisma.smsMessage.findUnique({ where: { providerSid: message.messageSid } });
          if (earlier) return { reply: earlier.replyBody, redispatch: [], duplicate: true };
        }
        if (isExclusionViolation(error)) {
          // The database refused a clash the checks did not see: nothing was stored; say no.
          const parsedReply = parseSmsReply(message.body);
          const code = "code" in parsedReply && parsedReply.code ? parsedReply.code : "";
          return { reply: smsTexts.notAvailable(code).replace("  ", " "), redispatch: [], duplicate: false };
        }
        throw error;
      }
    },
  };
}

export type InboundService = ReturnType<typeof createInboundService>;
