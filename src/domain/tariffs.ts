import { isLateCancellation } from "./booking-lifecycle";
import { toLocal } from "./pool-time";

/**
 * Expense-allowance tariffs (Aufwandsentschädigung) of the pools' municipalities: which tariff
 * applies to a job, and what it pays, line by line. Money is integer cents throughout.
 */

/** How an assignment's time is paid. */
export type TariffModel =
  /** The same amount per assignment, whatever its length (Düren: 2000). */
  | { kind: "flat"; amountCents: number }
  /**
   * A first block, then a fixed amount per STARTED increment (Rhein-Erft: 2500 for the first 60
   * minutes, then 500 per started 30 minutes). Minutes beyond `capAfterMinutes` are not paid.
   */
  | { kind: "block"; firstBlockMinutes: number; firstBlockCents: number; incrementMinutes: number; incrementCents: number; capAfterMinutes?: number }
  /** Per started unit of `roundingMinutes` at `centsPerHour` (Breisgau: 1500/h). */
  | { kind: "hourly"; centsPerHour: number; roundingMinutes: number };

/** What a late cancellation pays (besides travel, when travel is given). */
export type LateCancellationPay =
  | { kind: "none" }
  | { kind: "amount"; amountCents: number }
  /** The model's amount for `minutes` (default: the booked duration). */
  | { kind: "base"; minutes?: number };

export interface TariffScope {
  organisationId?: string;
  organisationKind?: string;
}

export interface Tariff {
  id: string;
  /** YYYY-MM-DD, local (Europe/Berlin), inclusive: jobs starting on or after this local date. */
  validFrom: string;
  /** Empty for the pool's default tariff. */
  scope: TariffScope;
  model: TariffModel;
  travelCentsPerKm: number | null;
  lateCancellation: { hours: number; pay: LateCancellationPay };
}

/** What tariff selection needs to know about a job. */
export interface TariffContext {
  startsAt: Date;
  organisationId: string;
  organisationKind: string;
}

export type JobOutcome = "done" | "client_no_show" | "interpreter_no_show" | "late_cancellation";

/** What the allowance calculation needs to know about a job. */
export interface AllowanceJob {
  outcome: JobOutcome;
  /** Minutes actually worked; the booked minutes for no-shows and late cancellations (real elapsed minutes, see `minutesBetween`). */
  minutes: number;
  travelKm: number | null;
}

export type AllowanceLineKind = "base" | "increment" | "travel" | "late_cancellation";

export interface AllowanceLine {
  kind: AllowanceLineKind;
  /** Plain German, e.g. "Pauschale", "erste 60 Min.", "2 × 30 Min. angefangen", "12 km × 0,30 €". */
  description: string;
  quantity: number;
  unitCents: number;
  amountCents: number;
}

export interface Allowance {
  /** Always the sum of the lines' amounts. */
  amountCents: number;
  lines: AllowanceLine[];
}

const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The tariff for a job: among the tariffs already valid on the job's LOCAL start date, the most
 * specific scope wins (organisation, then organisation kind, then the default); within one scope
 * the latest `validFrom`. Equal candidates fall back to the smaller id, so the result never
 * depends on the order of `tariffs`. Null when no tariff applies.
 *
 * @example
 * // validFrom "2026-11-15": a job at 15.11.2026 00:30 local (14.11. 23:30 UTC) gets it, one on 14.11. does not.
 * selectTariff(tariffs, { startsAt, organisationId: "org-1", organisationKind: "school" });
 */
export function selectTariff(tariffs: readonly Tariff[], context: TariffContext): Tariff | null {
  const jobDate = toLocal(context.startsAt).date;
  let best: { tariff: Tariff; specificity: number } | null = null;
  for (const tariff of tariffs) {
    if (!LOCAL_DATE.test(tariff.validFrom)) throw new RangeError(`Tarif ${tariff.id}: validFrom "${tariff.validFrom}" ist kein Datum (JJJJ-MM-TT)`);
    if (tariff.validFrom > jobDate) continue;
    const specificity = scopeSpecificity(tariff.scope, context);
    if (specificity === null) continue;
    if (!best || compareCandidates({ tariff, specificity }, best) < 0) best = { tariff, specificity };
  }
  return best?.tariff ?? null;
}

/** 2 for an organisation's own tariff (+1 when it also names the kind), 1 for a kind, 0 for the default; null when the scope does not fit. */
function scopeSpecificity(scope: TariffScope, context: TariffContext): number | null {
  if (scope.organisationId !== undefined && scope.organisationId !== context.organisationId) return null;
  if (scope.organisationKind !== undefined && scope.organisationKind !== context.organisationKind) return null;
  return (scope.organisationId !== undefined ? 2 : 0) + (scope.organisationKind !== undefined ? 1 : 0);
}

/** Negative when `a` should win over `b`. */
function compareCandidates(a: { tariff: Tariff; specificity: number }, b: { tariff: Tariff; specificity: number }): number {
  if (a.specificity !== b.specificity) return b.specificity - a.specificity;
  if (a.tariff.validFrom !== b.tariff.validFrom) return a.tariff.validFrom > b.tariff.validFrom ? -1 : 1;
  return a.tariff.id < b.tariff.id ? -1 : a.tariff.id > b.tariff.id ? 1 : 0;
}

/**
 * Whether a cancellation is late under a tariff: less than `hours` before the start (or after it).
 * The same rule as bookings use (`isLateCancellation`).
 *
 * @example
 * lateCancellationApplies(new Date("2026-11-25T09:00Z"), new Date("2026-11-24T09:01Z"), 24); // true (23 h 59 min)
 */
export function lateCancellationApplies(startsAt: Date, cancelledAt: Date, hours: number): boolean {
  return isLateCancellation(startsAt, cancelledAt, hours);
}

/**
 * Real elapsed minutes between two instants (a started minute counts), never wall-clock
 * arithmetic: 01:30–03:30 local on 29.03.2026 is 60 minutes, on 25.10.2026 it is 180.
 */
export function minutesBetween(start: Date, end: Date): number {
  const ms = end.getTime() - start.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("Ende liegt vor dem Beginn");
  return Math.ceil(ms / 60_000);
}

/**
 * The allowance for one job under a tariff, with a German breakdown whose lines sum to the total.
 *
 * - done: the model's amount for the minutes worked, plus travel;
 * - client_no_show: paid as done for the booked minutes, plus travel;
 * - interpreter_no_show: nothing (no lines);
 * - late_cancellation: as `tariff.lateCancellation.pay` says, plus travel when travel is given.
 *
 * Travel is paid when both the job's km and the tariff's rate are known (round(km × rate)).
 *
 * @example
 * calculateAllowance(rheinErft, { outcome: "done", minutes: 91, travelKm: null }).amountCents; // 3500
 */
export function calculateAllowance(tariff: Tariff, job: AllowanceJob): Allowance {
  assertValidTariff(tariff);
  assertNonNegative(job.minutes, "Minuten");
  if (job.travelKm !== null) assertNonNegative(job.travelKm, "Kilometer");

  const lines: AllowanceLine[] = [];
  switch (job.outcome) {
    case "interpreter_no_show":
      return { amountCents: 0, lines: [] };
    case "done":
    case "client_no_show":
      lines.push(...modelLines(tariff.model, job.minutes));
      break;
    case "late_cancellation":
      lines.push(...lateCancellationLines(tariff, job.minutes));
      break;
  }
  const travel = travelLine(tariff.travelCentsPerKm, job.travelKm);
  if (travel) lines.push(travel);
  return { amountCents: lines.reduce((sum, line) => sum + line.amountCents, 0), lines };
}

function modelLines(model: TariffModel, minutes: number): AllowanceLine[] {
  switch (model.kind) {
    case "flat":
      return [line("base", "Pauschale", 1, model.amountCents)];
    case "block": {
      const lines = [line("base", `erste ${model.firstBlockMinutes} Min.`, 1, model.firstBlockCents)];
      const capped = model.capAfterMinutes !== undefined && minutes > model.capAfterMinutes;
      const paidMinutes = capped ? model.capAfterMinutes! : minutes;
      const increments = paidMinutes > model.firstBlockMinutes ? Math.ceil((paidMinutes - model.firstBlockMinutes) / model.incrementMinutes) : 0;
      if (increments > 0) {
        const cap = capped ? ` (höchstens bis ${model.capAfterMinutes} Min.)` : "";
        lines.push(line("increment", `${increments} × ${model.incrementMinutes} Min. angefangen${cap}`, increments, model.incrementCents));
      }
      return lines;
    }
    case "hourly": {
      const units = Math.ceil(minutes / model.roundingMinutes);
      if (units === 0) return [];
      // Exact in integers: units × roundingMinutes × centsPerHour / 60, rounded half-up.
      const amountCents = divideHalfUp(units * model.roundingMinutes * model.centsPerHour, 60);
      const unitCents = divideHalfUp(model.roundingMinutes * model.centsPerHour, 60);
      const description = `${units} × ${model.roundingMinutes} Min. angefangen (${formatEuro(model.centsPerHour)}/Std.)`;
      return [{ kind: "base", description, quantity: units, unitCents, amountCents }];
    }
  }
}

function lateCancellationLines(tariff: Tariff, bookedMinutes: number): AllowanceLine[] {
  const pay = tariff.lateCancellation.pay;
  switch (pay.kind) {
    case "none":
      return [];
    case "amount":
      return [line("late_cancellation", "Ausfallpauschale (kurzfristige Absage)", 1, pay.amountCents)];
    case "base": {
      const minutes = pay.minutes ?? bookedMinutes;
      return modelLines(tariff.model, minutes).map((modelLine) => ({
        ...modelLine,
        kind: "late_cancellation",
        description: `kurzfristige Absage: ${modelLine.description}`,
      }));
    }
  }
}

function travelLine(centsPerKm: number | null, km: number | null): AllowanceLine | null {
  if (centsPerKm === null || km === null || km === 0) return null;
  return {
    kind: "travel",
    description: `${String(km).replace(".", ",")} km × ${formatEuro(centsPerKm)}`,
    quantity: km,
    unitCents: centsPerKm,
    amountCents: roundHalfUp(km * centsPerKm),
  };
}

function line(kind: AllowanceLineKind, description: string, quantity: number, unitCents: number): AllowanceLine {
  return { kind, description, quantity, unitCents, amountCents: quantity * unitCents };
}

/** Half-up for non-negative values, immune to binary noise such as 1.005 × 100 = 100.49999…. */
function roundHalfUp(value: number): number {
  return Math.round(Number(value.toPrecision(12)));
}

/** Integer division rounded half-up (non-negative integers). */
function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** "0,30 €", "15,00 €", "1.234,50 €" */
export function formatEuro(cents: number): string {
  const euros = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${euros},${String(cents % 100).padStart(2, "0")} €`;
}

function assertNonNegative(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what}: Zahl ≥ 0 erwartet, nicht ${value}`);
}

function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what}: ganze Cent ≥ 0 erwartet, nicht ${value}`);
}

function assertPositiveMinutes(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${what}: ganze Minuten > 0 erwartet, nicht ${value}`);
}

/** Rejects tariffs that would pay fractions of a cent or divide by zero. */
function assertValidTariff(tariff: Tariff): void {
  const model = tariff.model;
  switch (model.kind) {
    case "flat":
      assertCents(model.amountCents, "Pauschale");
      break;
    case "block":
      if (!Number.isSafeInteger(model.firstBlockMinutes) || model.firstBlockMinutes < 0) {
        throw new RangeError(`erster Block: ganze Minuten ≥ 0 erwartet, nicht ${model.firstBlockMinutes}`);
      }
      assertCents(model.firstBlockCents, "Betrag des ersten Blocks");
      assertPositiveMinutes(model.incrementMinutes, "Takt");
      assertCents(model.incrementCents, "Betrag je Takt");
      if (model.capAfterMinutes !== undefined) assertNonNegative(model.capAfterMinutes, "Deckelung (Minuten)");
      break;
    case "hourly":
      assertCents(model.centsPerHour, "Stundensatz");
      assertPositiveMinutes(model.roundingMinutes, "Abrechnungstakt");
      break;
  }
  if (tariff.travelCentsPerKm !== null) assertCents(tariff.travelCentsPerKm, "Kilometersatz");
  const pay = tariff.lateCancellation.pay;
  if (pay.kind === "amount") assertCents(pay.amountCents, "Ausfallpauschale");
  if (pay.kind === "base" && pay.minutes !== undefined) assertNonNegative(pay.minutes, "Ausfallminuten");
}
