import { addDays, fromLocal, pad, toLocal } from "./pool-time";

/** Letters and digits that cannot be misread for each other (no 0/O, 1/I): 32, so a byte maps evenly. */
const PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const PSEUDONYM_LENGTH = 6;
/** What an erased person's phone column holds: unique, and never a number anyone can text. */
export const ERASED_PHONE_PREFIX = "erased:";

/**
 * The pseudonym an erased person keeps for accounting, from random bytes (six are used).
 *
 * @example
 * pseudonymFrom(Uint8Array.from([0, 1, 2, 3, 4, 5])); // "P-234567"
 */
export function pseudonymFrom(bytes: Uint8Array): string {
  if (bytes.length < PSEUDONYM_LENGTH) throw new Error(`A pseudonym needs ${PSEUDONYM_LENGTH} random bytes.`);
  let code = "";
  for (let index = 0; index < PSEUDONYM_LENGTH; index++) code += PSEUDONYM_ALPHABET[bytes[index]! % PSEUDONYM_ALPHABET.length];
  return `P-${code}`;
}

/**
 * The name an erased person is shown under (finance files, allowance lists, past bookings).
 *
 * @example
 * erasedName("P-7K2M9Q"); // "Gelöscht (P-7K2M9Q)"
 */
export function erasedName(pseudonym: string): string {
  return `Gelöscht (${pseudonym})`;
}

/**
 * The non-personal, unique value that replaces an erased person's phone number.
 *
 * @example
 * erasedPhone("P-7K2M9Q"); // "erased:P-7K2M9Q"
 */
export function erasedPhone(pseudonym: string): string {
  return `${ERASED_PHONE_PREFIX}${pseudonym}`;
}

/**
 * Whether a stored phone value is an erased person's placeholder rather than a number.
 *
 * @example
 * isErasedPhone("erased:P-7K2M9Q"); // true
 */
export function isErasedPhone(phone: string): boolean {
  return phone.startsWith(ERASED_PHONE_PREFIX);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The retention cutoff: the same local (Europe/Berlin) wall-clock time `months` calendar months
 * before `now`; a day the earlier month lacks becomes its last day (31 May − 3 months = 28/29 Feb).
 * Data from before the cutoff is removed by the retention job.
 *
 * @example
 * retentionCutoff(new Date("2026-11-24T08:00:00Z"), 24); // 2024-11-24T08:00:00.000Z (09:00 in Berlin both times)
 */
export function retentionCutoff(now: Date, months: number): Date {
  return sameLocalTimeOn(now, (local) => {
    const monthIndex = local.year * 12 + (local.month - 1) - months;
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    const day = Math.min(local.day, daysInMonth(year, month));
    return `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`;
  });
}

/**
 * The cutoff of the records of reads of personal data: the same local (Europe/Berlin) wall-clock
 * time `days` calendar days before `now` (a daylight-saving change in between moves no record
 * across it by an hour).
 *
 * @example
 * readAuditCutoff(new Date("2026-11-24T08:00:00Z"), 365); // 2025-11-24T08:00:00.000Z
 */
export function readAuditCutoff(now: Date, days: number): Date {
  return sameLocalTimeOn(now, (local) => addDays(local.date, -days));
}

/** `now`'s local wall-clock time, to the millisecond, on the local date (YYYY-MM-DD) `dateOf` picks. */
function sameLocalTimeOn(now: Date, dateOf: (local: ReturnType<typeof toLocal>) => string): Date {
  const local = toLocal(now);
  // toLocal works in whole minutes; keep the seconds so the cutoff is exact.
  return new Date(fromLocal(dateOf(local), local.minute).getTime() + (now.getTime() % 60_000));
}
