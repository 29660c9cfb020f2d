import { isExclusionViolation, isUniqueViolation, type Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import { isLateCancellation } from "../../domain/booking-lifecycle";
import { normaliseMobileNumber } from "../../domain/phone";
import { chooseOffer, parseSmsReply, type SmsReply } from "../../domain/sms-reply";
import { smsTexts } from "../../domain/sms-texts";
import { KEYED_PLANS, type SqlTx } from "../../db/sql-transaction";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { uuidV7 } from "../../lib/encoding";
import { assignmentChange, lockBooking } from "../bookings/booking-actions.service";
import { applyBookingChange, jobTextOf, lockBookingAndInterpreter } from "../bookings/booking-change";
import type { AddParam, HistoryActor } from "../bookings/booking-history";
import { recordReply, replyRecordSql } from "./inbound-record";
import type { PostcodeDistances } from "../postcodes/postcodes.service";

type Tx = SqlTx;

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

/** An offer waiting for the sender's answer. */
interface PendingOffer {
  id: string;
  booking: { id: string; code: string };
}

const codeOf = (offer: PendingOffer) => offer.booking.code;

interface Sender {
  id: string;
  pending: PendingOffer[];
}

interface Outcome {
  reply: string | null;
  redispatch?: string[];
  bookingId?: string | null;
  interpreterId?: string | null;
  /** Recorded already, in the statement of the change (an accepted yes). */
  recorded?: boolean;
}

/**
 * Handles one SMS from an interpreter: JA/NEIN/ABSAGE with a job code (or bare, when only one
 * offer is open), STOP/START, anything else gets help. Everything — the booking change, the SMS
 * to others, recording the message and the reply — happens in one transaction that ends with the
 * insert claiming the MessageSid (a NEIN: in one statement), so a repeated webhook delivery (same
 * MessageSid) changes nothing and gets the same answer. The next offer waves (`redispatch`) are
 * the caller's, after the answer.
 */
export function createInboundService(deps: InboundDeps) {
  const { db } = deps;
  const factsOptions = { travelBufferMinutes: deps.travelBufferMinutes, distances: deps.distances };

  /**
   * The sender and their pending offers (of jobs still open or offered, oldest first) in one
   * statement: every reply needs both, and each statement is a round trip inside the transaction.
   * No row means the number is not in the pool.
   */
  async function senderOf(tx: Pick<Tx, "$queryRaw">, phone: string): Promise<Sender | null> {
    const rows = await tx.$queryRaw<{ id: string; offerId: string | null; bookingId: string | null; code: string | null }[]>`
      SELECT i."id"::text AS "id", p."offerId", p."bookingId", p."code"
      FROM "Interpreter" AS i
      LEFT JOIN LATERAL (
        SELECT o."id"::text AS "offerId", b."id"::text AS "bookingId", b."code", o."createdAt"
        FROM "Offer" AS o JOIN "Booking" AS b ON b."id" = o."bookingId"
        WHERE o."interpreterId" = i."id" AND o."status" = 'pending' AND b."status" IN ('open', 'offered')
      ) AS p ON TRUE
      WHERE i."phone" = ${phone}
      ORDER BY p."createdAt" ASC, p."offerId" ASC`;
    if (rows.length === 0) return null;
    const pending = rows.flatMap((row) => (row.offerId && row.bookingId && row.code ? [{ id: row.offerId, booking: { id: row.bookingId, code: row.code } }] : []));
    return { id: rows[0]!.id, pending };
  }

  /** Ends an offer with the sender's answer (or the reason it cannot be taken). */
  async function answerOffer(tx: Tx, offerId: string, status: "declined" | "withdrawn", now: Date): Promise<void> {
    await tx.$executeRaw`UPDATE "Offer" SET "status" = ${status}::text::"OfferStatus", "respondedAt" = ${now}::timestamptz WHERE "id" = ${offerId}::uuid`;
  }

  async function accept(tx: Tx, now: Date, received: { message: InboundSms; phone: string }, interpreterId: string, open: PendingOffer[], by: HistoryActor, code: string | null): Promise<Outcome> {
    const choice = chooseOffer(open, code, codeOf);
    if (choice.kind === "none_open") return { reply: smsTexts.noOpenOffer() };
    if (choice.kind === "ask_for_code") return { reply: smsTexts.askForCode(choice.codes) };
    if (choice.kind === "not_pending") {
      // Not (or no longer) pending: say why.
      const [earlier] = await tx.$queryRaw<{ status: string; bookingStatus: string; bookingInterpreterId: string | null }[]>`
        SELECT o."status"::text AS "status", b."status"::text AS "bookingStatus", b."interpreterId"::text AS "bookingInterpreterId"
        FROM "Offer" AS o JOIN "Booking" AS b ON b."id" = o."bookingId"
        WHERE o."interpreterId" = ${interpreterId}::uuid AND b."code" = ${choice.code}
        ORDER BY o."createdAt" DESC LIMIT 1`;
      if (!earlier) return { reply: smsTexts.unknownCode(choice.code) };
      if (earlier.status === "accepted" && earlier.bookingInterpreterId === interpreterId) return { reply: smsTexts.alreadyTaken(choice.code) };
      if (earlier.status === "expired") return { reply: smsTexts.expired(choice.code) };
      if (earlier.bookingStatus === "assigned") return { reply: smsTexts.alreadyTaken(choice.code) };
      return { reply: smsTexts.withdrawn(choice.code) };
    }
    const { offer } = choice;
    // The booking's row and then the interpreter's, in one statement (the order used everywhere).
    const locked = await lockBookingAndInterpreter(tx, offer.booking.id, undefined, interpreterId);
    if (!locked) return { reply: smsTexts.unknownCode(offer.booking.code) };
    const { row, interpreterLocked } = locked;
    if (row.status !== "open" && row.status !== "offered") {
      await answerOffer(tx, offer.id, "withdrawn", now);
      return { reply: row.status === "assigned" ? smsTexts.alreadyTaken(row.code) : smsTexts.withdrawn(row.code), bookingId: row.id };
    }
    try {
      const change = await assignmentChange(tx, factsOptions, row, interpreterId, {
        reason: "Zusage per SMS",
        now,
        interpreterLocked,
        unknownInterpreter: () => new ApiError("NOT_FOUND", "Unknown interpreter"),
      });
      // The offer's yes, the change and the recorded reply in one statement; an assignment
      // changes nothing the confirmation tells, so it is written from the row as locked.
      const outcome = { reply: smsTexts.confirmation(jobTextOf(row)), bookingId: row.id, interpreterId };
      const alsoWrite = (param: AddParam) => [`reply AS (${replyRecordSql(param, now, received.message, received.phone, outcome)})`];
      await applyBookingChange(tx, now, row, change, by, { acceptedOffer: offer.id, alsoWrite });
      return { ...outcome, recorded: true };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // The yes cannot be taken (a clash, or the interpreter no longer fits): it counts as a no.
      await answerOffer(tx, offer.id, "declined", now);
      const details = error.details as { rule?: string; reason?: string } | null;
      const clash = /Einsatz (\d+)\)/.exec(details?.reason ?? "")?.[1];
      const reply = error.code === "DOUBLE_BOOKING" && clash ? smsTexts.notFree(row.code, clash) : smsTexts.notAvailable(row.code);
      return { reply, bookingId: row.id, redispatch: [row.id] };
    }
  }

  /** ABSAGE: the interpreter gives back an accepted job; it reopens and dispatch starts again. */
  async function withdraw(tx: Tx, now: Date, interpreterId: string, by: HistoryActor, code: string | null): Promise<Outcome> {
    const assigned = await tx.$queryRaw<{ id: string; code: string }[]>`
      SELECT "id"::text AS "id", "code" FROM "Booking"
      WHERE "interpreterId" = ${interpreterId}::uuid AND "status" = 'assigned' AND "startsAt" > ${new Date(now.getTime() - 24 * 3_600_000)}::timestamptz
        AND (${code}::text IS NULL OR "code" = ${code}::text)
      ORDER BY "startsAt" ASC, "id" ASC`;
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

  /** STOP or START; null when the person was erased meanwhile (the number then belongs to no one). */
  async function optOut(tx: Tx, now: Date, interpreterId: string, open: PendingOffer[], optedOut: boolean): Promise<Outcome | null> {
    // Only a person not erased meanwhile: an erasure that held the row commits first, and this
    // UPDATE then sees the erased record and changes nothing (no opt-out, no history on it).
    // The change, its record in the person's history and (STOP) the open offers, which can no
    // longer be answered and count as a no, in one statement.
    const [changed] = await tx.$queryRaw<{ changed: number }[]>`
      WITH changed AS (
        UPDATE "Interpreter" SET "smsOptOutAt" = ${optedOut ? now : null}::timestamptz, "updatedAt" = ${now}::timestamptz WHERE "id" = ${interpreterId}::uuid AND "erasedAt" IS NULL RETURNING "id"
      ),
      noted AS (
        INSERT INTO "InterpreterEvent" ("id", "interpreterId", "at", "action", "actorType")
        SELECT ${uuidV7()}::uuid, "id", ${now}::timestamptz, ${optedOut ? "sms_opt_out" : "sms_opt_in"}::text, 'sms'::"ActorType" FROM changed
      ),
      declined AS (
        UPDATE "Offer" SET "status" = 'declined', "respondedAt" = ${now}::timestamptz
        WHERE "id" = ANY(${optedOut ? open.map((offer) => offer.id) : []}::uuid[]) AND EXISTS (SELECT 1 FROM changed)
      )
      SELECT count(*)::int AS "changed" FROM changed`;
    if (!changed?.changed) return null;
    if (optedOut) {
      // Every job that was waiting for this person's answer gets its next wave.
      return { reply: smsTexts.optedOut(), redispatch: [...new Set(open.map((offer) => offer.booking.id))] };
    }
    return { reply: smsTexts.optedIn() };
  }

  async function respond(tx: Tx, now: Date, message: InboundSms, reply: Exclude<SmsReply, { kind: "decline" }>, phone: string): Promise<Outcome> {
    const sender = await senderOf(tx, phone);
    if (!sender) return { reply: smsTexts.unknownNumber() };
    const by: HistoryActor = { type: "sms", phone };
    const { id, pending } = sender;
    switch (reply.kind) {
      case "accept":
        return { ...(await accept(tx, now, { message, phone }, id, pending, by, reply.code)), interpreterId: id };
      case "withdraw":
        return { ...(await withdraw(tx, now, id, by, reply.code)), interpreterId: id };
      case "opt_out":
      case "opt_in": {
        const outcome = await optOut(tx, now, id, pending, reply.kind === "opt_out");
        return outcome ? { ...outcome, interpreterId: id } : { reply: smsTexts.unknownNumber() };
      }
      default:
        return { reply: smsTexts.help(), interpreterId: id };
    }
  }

  /**
   * NEIN, the commonest answer with JA, without a transaction: one read, then ONE statement that
   * declines the offer if it is still pending, notes it in the booking's history and records the
   * message with its answer — all or nothing; a repeated MessageSid fails on its unique index. If
   * the offer stopped being pending in between (taken, withdrawn, lapsed), that statement writes
   * nothing and the reply is worked out again from a fresh read (offers never become pending again).
   */
  async function decline(now: Date, message: InboundSms, phone: string, code: string | null): Promise<InboundResult> {
    for (;;) {
      const sender = await senderOf(db.sql, phone);
      const choice = sender ? chooseOffer(sender.pending, code, codeOf) : null;
      const offer = choice?.kind === "offer" ? choice.offer : undefined;
      let reply: string;
      if (!choice) reply = smsTexts.unknownNumber();
      else if (choice.kind === "offer") reply = smsTexts.declined(choice.offer.booking.code);
      else if (choice.kind === "not_pending") reply = smsTexts.unknownCode(choice.code);
      else reply = choice.kind === "ask_for_code" ? smsTexts.askForCode(choice.codes) : smsTexts.noOpenOffer();
      const outcome = { reply, bookingId: offer?.booking.id ?? null, interpreterId: sender?.id ?? null };
      if (!offer) {
        await recordReply(db.sql, now, message, phone, outcome);
        return { reply, redispatch: [], duplicate: false };
      }
      // The wave may have ended: dispatch looks after the answer (and does nothing while others are still asked).
      if (await withRetry(() => recordReply(db.sql, now, message, phone, outcome, offer))) return { reply, redispatch: [offer.booking.id], duplicate: false };
    }
  }

  return {
    async handle(message: InboundSms): Promise<InboundResult> {
      const parsed = normaliseMobileNumber(message.from);
      const phone = parsed.ok ? parsed.e164 : message.from;
      const reply = parseSmsReply(message.body);
      try {
        if (reply.kind === "decline") return await decline(deps.clock.now(), message, phone, reply.code);
        return await withRetry(() =>
          db.transaction(async (tx) => {
            const now = deps.clock.now();
            const outcome = await respond(tx, now, message, reply, phone);
            // Last: the insert claiming the MessageSid (unique). A repeated delivery fails here,
            // and everything it did is rolled back.
            if (!outcome.recorded) await recordReply(tx, now, message, phone, outcome);
            return { reply: outcome.reply, redispatch: outcome.redispatch ?? [], duplicate: false };
          }, KEYED_PLANS),
        );
      } catch (error) {
        // A repeated delivery (also one that ran at the same moment and lost the race for the
        // MessageSid) gets the answer the first one stored.
        if (isUniqueViolation(error) || isExclusionViolation(error)) {
          const earlier = await db.prisma.smsMessage.findUnique({ where: { providerSid: message.messageSid }, select: { replyBody: true } });
          if (earlier) return { reply: earlier.replyBody, redispatch: [], duplicate: true };
        }
        if (isExclusionViolation(error)) {
          // The database refused a clash the checks did not see: nothing was stored; say no.
          const code = "code" in reply && reply.code ? reply.code : "";
          return { reply: smsTexts.notAvailable(code).replace("  ", " "), redispatch: [], duplicate: false };
        }
        throw error;
      }
    },
  };
}

export type InboundService = ReturnType<typeof createInboundService>;
