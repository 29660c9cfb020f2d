import { remembered } from "../lib/remembered";
import { addDays, formatGermanDate, formatMinute, toLocal, weekdayOf, weekdayShort } from "./pool-time";

/** A weekly window, local wall-clock time: weekday 1 = Monday, minutes after midnight (to ≤ 1440). */
export interface WeeklySlot {
  weekday: number;
  fromMinute: number;
  toMinute: number;
}

/** Days away, local dates (YYYY-MM-DD), both inclusive. */
export interface AbsencePeriod {
  fromDate: string;
  toDate: string;
  note?: string | null;
}

/** The part of a job that falls on one local calendar day, in wall-clock minutes. */
export interface LocalDayPiece {
  date: string;
  weekday: number;
  fromMinute: number;
  toMinute: number;
}

/**
 * Splits a job into its local calendar days. Wall-clock minutes keep a 09:00–12:00 slot meaning
 * 09:00–12:00 on both sides of a daylight-saving change; a job across midnight becomes two pieces.
 *
 * @example
 * localDayPieces(new Date("2026-11-24T22:00:00Z"), new Date("2026-11-25T00:30:00Z"));
 * // [{ date: "2026-11-24", weekday: 2, fromMinute: 1380, toMinute: 1440 }, { date: "2026-11-25", weekday: 3, fromMinute: 0, toMinute: 90 }]
 */
export function localDayPieces(startsAt: Date, endsAt: Date): readonly LocalDayPiece[] {
  // Asked several times per candidate for the same job: the last answer is kept by its two
  // numbers, others are remembered by key (see toLocal); frozen, as they are shared.
  const start = startsAt.getTime();
  const end = endsAt.getTime();
  if (lastPieces && lastPieces.start === start && lastPieces.end === end) return lastPieces.pieces;
  const pieces = recentPieces(`${start}|${end}`, () => Object.freeze(computeLocalDayPieces(startsAt, endsAt).map((piece) => Object.freeze(piece))));
  lastPieces = { start, end, pieces };
  return pieces;
}

const recentPieces = remembered<readonly LocalDayPiece[]>(1024);
let lastPieces: { start: number; end: number; pieces: readonly LocalDayPiece[] } | undefined;

function computeLocalDayPieces(startsAt: Date, endsAt: Date): LocalDayPiece[] {
  const start = toLocal(startsAt);
  const end = toLocal(endsAt);
  const pieces: LocalDayPiece[] = [];
  for (let date = start.date; date <= end.date; date = addDays(date, 1)) {
    const fromMinute = date === start.date ? start.minute : 0;
    let toMinute = date === end.date ? end.minute : 1440;
    if (date === end.date && date !== start.date && toMinute === 0) break; // ends exactly at midnight
    // The repeated hour of the autumn change can make the wall clock run backwards.
    if (toMinute <= fromMinute) toMinute = Math.min(1440, fromMinute + Math.max(1, Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000)));
    pieces.push({ date, weekday: weekdayOf(date), fromMinute, toMinute });
  }
  return pieces;
}

/** Slots of one weekday joined where they touch or overlap, so 09–12 and 12–17 cover 11–13. */
export function mergedSlots(slots: WeeklySlot[], weekday: number): WeeklySlot[] {
  const sorted = slots.filter((slot) => slot.weekday === weekday).sort((a, b) => a.fromMinute - b.fromMinute);
  const merged: WeeklySlot[] = [];
  for (const slot of sorted) {
    const last = merged[merged.length - 1];
    if (last && slot.fromMinute <= last.toMinute) last.toMinute = Math.max(last.toMinute, slot.toMinute);
    else merged.push({ ...slot });
  }
  return merged;
}

/**
 * The (merged) weekly windows that cover the whole job, one per local day it touches, or null
 * when some part of the job lies outside every window.
 */
export function coveringSlots(slots: WeeklySlot[], startsAt: Date, endsAt: Date): WeeklySlot[] | null {
  const covering: WeeklySlot[] = [];
  for (const piece of localDayPieces(startsAt, endsAt)) {
    const slot = windowCovering(slots, piece);
    if (!slot) return null;
    covering.push(slot);
  }
  return covering;
}

/** The merged window of the piece's weekday that covers it, if any. */
function windowCovering(slots: WeeklySlot[], piece: LocalDayPiece): WeeklySlot | undefined {
  // Most people have one window a weekday, which then is its own merged window: asked for every
  // candidate, twice, it is looked at without the lists and copies merging makes.
  const covers = (window: WeeklySlot) => window.fromMinute <= piece.fromMinute && piece.toMinute <= window.toMinute;
  let only: WeeklySlot | undefined;
  let count = 0;
  for (const slot of slots) {
    if (slot.weekday !== piece.weekday) continue;
    only = slot;
    count++;
  }
  if (count === 1) return covers(only!) ? only : undefined;
  return mergedSlots(slots, piece.weekday).find(covers);
}

/** The absence that overlaps a local day of the job, if any. */
export function absenceDuring(absences: AbsencePeriod[], startsAt: Date, endsAt: Date): AbsencePeriod | null {
  // Asked for every candidate, most of whom have no absence near the job: no lists built for them.
  if (absences.length === 0) return null;
  const pieces = localDayPieces(startsAt, endsAt);
  return absences.find((absence) => pieces.some((piece) => absence.fromDate <= piece.date && piece.date <= absence.toDate)) ?? null;
}

/** "Di 09:00–12:00" */
export function describeSlot(slot: WeeklySlot): string {
  return `${weekdayShort(slot.weekday)} ${formatMinute(slot.fromMinute)}–${formatMinute(slot.toMinute)}`;
}

/** "01.12.2026–05.12.2026 (Urlaub)" */
export function describeAbsence(absence: AbsencePeriod): string {
  const range = absence.fromDate === absence.toDate ? formatGermanDate(absence.fromDate) : `${formatGermanDate(absence.fromDate)}–${formatGermanDate(absence.toDate)}`;
  return absence.note ? `${range} (${absence.note})` : range;
}
