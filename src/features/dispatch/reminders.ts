import type { Database } from "../../db/database";
import { smsTexts } from "../../domain/sms-texts";
import { Prisma } from "../../generated/prisma/client";
import { uuidV7 } from "../../lib/encoding";
import { jobTextOf } from "../bookings/booking-change";
import { BOOKING_INCLUDE } from "../bookings/booking-view";
import { enqueueSms } from "../sms/outbox";

const HOUR_MS = 3_600_000;

/**
 * Reminds assigned interpreters before their jobs (REMINDER_HOURS, e.g. 24 and 2 hours ahead).
 * Each reminder is claimed by a unique row first, so two dispatchers never both send it; when
 * several points have passed at once only the nearest is sent, and none for a point that lay
 * before the assignment itself (the confirmation was just sent).
 */
export async function sendReminders(db: Database, now: Date, hoursBefore: number[]): Promise<number> {
  if (hoursBefore.length === 0) return 0;
  const hours = [...new Set(hoursBefore)].sort((a, b) => b - a);
  const rows = await db.prisma.booking.findMany({
    where: { status: "assigned", interpreterId: { not: null }, startsAt: { gt: now, lte: new Date(now.getTime() + hours[0]! * HOUR_MS) } },
    include: { ...BOOKING_INCLUDE, reminders: { select: { hoursBefore: true, interpreterId: true } } },
    orderBy: { startsAt: "asc" },
    take: 1000,
  });
  let sent = 0;
  for (const row of rows) {
    const interpreterId = row.interpreterId!;
    const passed = hours.filter((h) => row.startsAt.getTime() - h * HOUR_MS <= now.getTime());
    const recorded = new Set(row.reminders.filter((reminder) => reminder.interpreterId === interpreterId).map((reminder) => reminder.hoursBefore));
    const nearest = passed[passed.length - 1];
    if (nearest === undefined || recorded.has(nearest)) continue;
    const claimed = await db.prisma.$transaction(async (tx) => {
      // Raw, as enqueueSms: Prisma compiles createMany queries anew on every call. A point another
      // dispatcher claimed first is skipped (the unique row), and is then not ours to send.
      const points = passed.filter((h) => !recorded.has(h));
      const inserted = await tx.$queryRaw<{ hoursBefore: number }[]>`
        INSERT INTO "Reminder" ("id", "bookingId", "interpreterId", "hoursBefore", "createdAt")
        VALUES ${Prisma.join(points.map((h) => Prisma.sql`(${uuidV7()}::uuid, ${row.id}::uuid, ${interpreterId}::uuid, ${h}::int, ${now}::timestamptz)`))}
        ON CONFLICT DO NOTHING
        RETURNING "hoursBefore"`;
      const mine = inserted.some((reminder) => reminder.hoursBefore === nearest);
      const assignedBeforePoint = !row.assignedAt || row.assignedAt.getTime() < row.startsAt.getTime() - nearest * HOUR_MS;
      if (mine && assignedBeforePoint && row.interpreter) {
        await enqueueSms(tx, now, [
          { to: row.interpreter.phone, body: smsTexts.reminder(jobTextOf(row)), purpose: `reminder_${nearest}h`, bookingId: row.id, interpreterId },
        ]);
        return true;
      }
      return false;
    });
    if (claimed) sent += 1;
  }
  return sent;
}
