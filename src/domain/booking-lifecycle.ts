export const BOOKING_STATUSES = ["open", "offered", "assigned", "completed", "unfilled", "cancelled"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * The booking state machine: open → offered → assigned → completed; open|offered → unfilled once
 * the start passes with nobody assigned; cancelled from any active state; an assigned booking
 * whose interpreter cancels goes back to open; offers that all lapse take offered back to open.
 */
const TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  open: ["offered", "assigned", "unfilled", "cancelled"],
  offered: ["open", "assigned", "unfilled", "cancelled"],
  assigned: ["open", "completed", "cancelled"],
  completed: [],
  unfilled: [],
  cancelled: [],
};

/** Bookings that still hold their code and can change. */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ["open", "offered", "assigned"];
/** Bookings that count as an interpreter's assignment (for clashes, fairness and limits). */
export const ASSIGNMENT_STATUSES: readonly BookingStatus[] = ["assigned", "completed"];

/**
 * @example
 * canTransition("open", "assigned");      // true
 * canTransition("completed", "cancelled"); // false
 */
export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: BookingStatus): readonly BookingStatus[] {
  return TRANSITIONS[from];
}

/**
 * Whether a cancellation counts as late: less than `lateHours` before the start (or after it).
 *
 * @example
 * isLateCancellation(new Date("2026-11-25T09:00Z"), new Date("2026-11-24T09:01Z"), 24); // true (23 h 59 min)
 */
export function isLateCancellation(startsAt: Date, cancelledAt: Date, lateHours: number): boolean {
  return startsAt.getTime() - cancelledAt.getTime() < lateHours * 3_600_000;
}
