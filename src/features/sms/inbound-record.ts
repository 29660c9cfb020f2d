import type { SqlTx } from "../../db/sql-transaction";
import { uuidV7 } from "../../lib/encoding";
import { historyInsertSql, statementParams, type AddParam } from "../bookings/booking-history";
import type { InboundSms } from "./inbound.service";

/** What a reply is recorded with: the answer sent back, and whom and which job it concerned. */
export interface RecordedOutcome {
  reply: string | null;
  bookingId?: string | null;
  interpreterId?: string | null;
}

/** The INSERT of `recordReply`'s rows: the message received and, if any, the answer sent back. */
function replyRows(param: AddParam, now: Date, message: InboundSms, phone: string, outcome: RecordedOutcome): { into: string; rows: string[] } {
  const bookingId = param(outcome.bookingId ?? null, "::uuid");
  const interpreterId = param(outcome.interpreterId ?? null, "::uuid");
  const at = param(now, "::timestamptz");
  const row = (direction: "inbound" | "outbound", to: string, from: string, body: string, sid: string | null, reply: string | null) =>
    `(${param(uuidV7(), "::uuid")}, '${direction}'::"SmsDirection", ${param(to, "::text")}, ${param(from, "::text")}, ${param(body, "::text")},
      ${direction === "inbound" ? `'received'` : `'sent'`}::"SmsStatus", ${param(sid, "::text")}, 'reply', ${bookingId}, ${interpreterId}, ${param(reply, "::text")}, ${at},
      ${direction === "inbound" ? "NULL::timestamptz" : at})`;
  const rows = [row("inbound", message.to, phone, message.body, message.messageSid, outcome.reply)];
  if (outcome.reply) rows.push(row("outbound", phone, message.to, outcome.reply, null, null));
  return { into: `INSERT INTO "SmsMessage" ("id", "direction", "to", "from", "body", "status", "providerSid", "purpose", "bookingId", "interpreterId", "replyBody", "createdAt", "sentAt")`, rows };
}

/**
 * `recordReply` (without `declined`) as a CTE body for a statement that writes more, with its
 * parameters added through `param`: an accepted yes is recorded in the statement of its change.
 *
 * @example
 * applyBookingChange(tx, now, row, change, by, { alsoWrite: (param) => [`reply AS (${replyRecordSql(param, now, message, phone, outcome)})`] });
 */
export function replyRecordSql(param: AddParam, now: Date, message: InboundSms, phone: string, outcome: RecordedOutcome): string {
  const { into, rows } = replyRows(param, now, message, phone, outcome);
  return `${into} VALUES ${rows.join(", ")}`;
}

/**
 * Records the inbound message with its answer (claiming the MessageSid) and the answer as an
 * outgoing SMS (it goes back as TwiML), in one statement. With `declined`, the same statement
 * declines that offer and notes this in the booking's history — only if the offer is still
 * pending; otherwise it writes nothing and returns false.
 *
 * @example
 * await recordReply(tx, now, message, "+4915112345678", { reply: smsTexts.help(), interpreterId });
 */
export async function recordReply(
  db: Pick<SqlTx, "$executeRawUnsafe" | "$queryRawUnsafe">,
  now: Date,
  message: InboundSms,
  phone: string,
  outcome: RecordedOutcome,
  declined?: { id: string },
): Promise<boolean> {
  const { values, param } = statementParams();
  if (!declined) {
    await db.$executeRawUnsafe(replyRecordSql(param, now, message, phone, outcome), ...values);
    return true;
  }
  const { into, rows } = replyRows(param, now, message, phone, outcome);
  const at = param(now, "::timestamptz");
  const noted = historyInsertSql(param, {
    bookingIdFrom: { source: "declined", column: "bookingId" },
    at: now,
    by: { type: "sms", phone },
    action: "offer_declined",
    details: { interpreterId: outcome.interpreterId ?? null },
  });
  const [result] = await db.$queryRawUnsafe<{ declined: number }[]>(
    `WITH declined AS (
      UPDATE "Offer" SET "status" = 'declined', "respondedAt" = ${at}
      WHERE "id" = ${param(declined.id, "::uuid")} AND "status" = 'pending' RETURNING "bookingId"
    ),
    noted AS (${noted}),
    logged AS (${into} SELECT * FROM (VALUES ${rows.join(", ")}) AS v WHERE EXISTS (SELECT 1 FROM declined))
    SELECT count(*)::int AS "declined" FROM declined`,
    ...values,
  );
  return (result?.declined ?? 0) > 0;
}
