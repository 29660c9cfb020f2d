import { smsTexts } from "../../domain/sms-texts";
import { calculateAllowance, lateCancellationApplies, selectTariff, type JobOutcome, type Tariff } from "../../domain/tariffs";
import { toLocal } from "../../domain/pool-time";
import type { Prisma } from "../../generated/prisma/client";
import type { DemoInterpreter } from "./pool";
import type { Prng } from "./prng";
import type { PlannedBooking } from "./schedule";

export interface DemoKeys {
  coordinatorId: string;
  financeId: string;
  requesterIdByOrganisation: Map<string, string>;
}

export interface DemoRows {
  bookings: Prisma.BookingCreateManyInput[];
  events: Prisma.BookingEventCreateManyInput[];
  offers: Prisma.OfferCreateManyInput[];
  sms: Prisma.SmsMessageCreateManyInput[];
  allowances: Prisma.AllowanceCreateManyInput[];
  batches: Prisma.ExportBatchCreateManyInput[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

type By = { actorType: "key"; actorKeyId: string } | { actorType: "sms"; actorPhone: string } | { actorType: "system" };

/**
 * Turns planned bookings into the rows the service itself would have written: each booking with
 * its history (created, offered, declined, assigned, given back, completed or cancelled), its SMS
 * offers, and the allowance of every closed-out job under the tariff in force at its start.
 *
 * @example
 * const rows = historyRows(random, plans, tariffs, keys, now); // rows.bookings, rows.events, rows.allowances, …
 */
export function historyRows(random: Prng, plans: PlannedBooking[], tariffs: Tariff[], keys: DemoKeys, now: Date): DemoRows {
  const rows: DemoRows = { bookings: [], events: [], offers: [], sms: [], allowances: [], batches: [] };
  const coordinator: By = { actorType: "key", actorKeyId: keys.coordinatorId };

  for (const plan of plans) {
    const requester: By = { actorType: "key", actorKeyId: keys.requesterIdByOrganisation.get(plan.organisation.id)! };
    const events: Prisma.BookingEventCreateManyInput[] = [];
    const event = (at: Date, by: By, action: string, from: string | null, to: string | null, details?: Prisma.InputJsonValue, reason?: string) =>
      events.push({
        id: random.uuid7(at),
        bookingId: plan.id,
        at,
        actorType: by.actorType,
        actorKeyId: by.actorType === "key" ? by.actorKeyId : null,
        actorPhone: by.actorType === "sms" ? by.actorPhone : null,
        action,
        fromStatus: from as never,
        toStatus: to as never,
        reason: reason ?? null,
        ...(details === undefined ? {} : { details }),
      });
    const offer = (person: DemoInterpreter, at: Date, status: "pending" | "accepted" | "declined" | "expired", respondedAt: Date | null, expiresAt: Date) =>
      rows.offers.push({ id: random.uuid7(at), bookingId: plan.id, interpreterId: person.id, wave: 1, status, createdAt: at, expiresAt, respondedAt });

    const bookedBy = random.chance(0.8) ? requester : coordinator;
    event(plan.createdAt, bookedBy, "created", null, "open");
    let status = "open";
    const first = plan.previous ? { person: plan.previous.person, via: plan.previous.via, at: plan.previous.assignedAt } : plan.assignee ? { person: plan.assignee, via: plan.via, at: plan.assignedAt! } : null;

    // Offers by SMS: the first person to say JA got it; the others said NEIN or let it lapse.
    const offeredTo = [...(first && first.via === "sms" ? [first.person] : []), ...plan.declined];
    if (offeredTo.length > 0 && (first?.via === "sms" || !first)) {
      const at = plan.fate.kind === "offered" ? new Date(now.getTime() - random.int(5, 60) * MINUTE) : new Date(plan.createdAt.getTime() + MINUTE);
      const expiresAt = new Date(Math.min(at.getTime() + 120 * MINUTE, plan.startsAt.getTime() - 60 * MINUTE));
      event(at, { actorType: "system" }, "offered", "open", "offered", { wave: 1, interpreterIds: offeredTo.map((person) => person.id), expiresAt: expiresAt.toISOString() });
      status = "offered";
      for (const person of offeredTo) {
        if (plan.fate.kind === "offered") {
          offer(person, at, "pending", null, expiresAt);
          const smsId = random.uuid7(at);
          rows.sms.push({
            id: smsId, direction: "outbound", to: person.phone, body: smsTexts.offer(jobText(plan)), purpose: "offer", bookingId: plan.id, interpreterId: person.id,
            status: "delivered", attempts: 1, createdAt: at, sentAt: at, statusUpdatedAt: at, nextAttemptAt: at,
          });
          rows.offers[rows.offers.length - 1]!.messageId = smsId;
        } else if (person === first?.person) {
          offer(person, at, "accepted", first.at, expiresAt);
        } else if (random.chance(0.7)) {
          // A NEIN comes before the JA that ended the wave (or before the offer lapsed).
          const until = first ? first.at.getTime() : expiresAt.getTime();
          const answeredAt = new Date(at.getTime() + Math.floor(random.next() * Math.max(0, until - at.getTime())));
          offer(person, at, "declined", answeredAt, expiresAt);
          event(answeredAt, { actorType: "sms", actorPhone: person.phone }, "offer_declined", null, null, { interpreterId: person.id });
        } else {
          offer(person, at, "expired", expiresAt, expiresAt);
        }
      }
    }
    if (first) {
      event(first.at, first.via === "sms" ? { actorType: "sms", actorPhone: first.person.phone } : coordinator, "assigned", status, "assigned", { interpreterId: first.person.id });
      status = "assigned";
    }
    if (plan.previous) {
      const { person, at, late } = plan.previous;
      event(at, { actorType: "sms", actorPhone: person.phone }, "interpreter_cancelled", "assigned", "open", { interpreterId: person.id, late }, "Absage per SMS");
      event(plan.assignedAt!, coordinator, "assigned", "open", "assigned", { interpreterId: plan.assignee!.id });
    }

    const fate = plan.fate;
    let finalStatus = fate.kind === "done" || fate.kind === "client_no_show" || fate.kind === "interpreter_no_show" ? "completed" : fate.kind;
    if (fate.kind === "done" || fate.kind === "client_no_show" || fate.kind === "interpreter_no_show") {
      event(fate.completedAt, random.chance(0.7) ? requester : coordinator, "completed", "assigned", "completed", { outcome: fate.kind });
      rows.allowances.push(allowanceRow(random, plan, tariffs, fate.kind, fate.kind === "done" ? (fate.actualMinutes ?? plan.durationMinutes) : plan.durationMinutes, fate.travelKm, fate.completedAt)!);
    } else if (fate.kind === "cancelled") {
      event(fate.at, fate.by === "requester" ? requester : coordinator, "cancelled", status, "cancelled", { cancelledBy: fate.by, late: fate.late }, fate.reason);
      if (fate.late && plan.assignee) {
        const row = allowanceRow(random, plan, tariffs, "late_cancellation", plan.durationMinutes, null, fate.at);
        if (row) rows.allowances.push(row);
      }
    } else if (fate.kind === "unfilled") {
      event(plan.startsAt, { actorType: "system" }, "unfilled", status, "unfilled", undefined, "Start passed with nobody assigned");
    } else {
      finalStatus = fate.kind;
    }
    rows.events.push(...events);
    const updatedAt = new Date(Math.max(...events.map((entry) => (entry.at as Date).getTime())));
    rows.bookings.push(bookingRow(plan, finalStatus, updatedAt, bookedBy));
  }
  return rows;
}

function jobText(plan: PlannedBooking) {
  const onsite = plan.mode === "onsite";
  return {
    code: plan.code, language: plan.language, dialect: plan.dialect, startsAt: plan.startsAt, endsAt: plan.endsAt, mode: plan.mode,
    organisationName: plan.organisation.name, street: onsite ? plan.organisation.street : null, postcode: onsite ? plan.organisation.postcode : null,
    city: onsite ? plan.organisation.municipality : null, room: plan.room, setting: plan.setting, sensitive: plan.sensitive,
  };
}

function bookingRow(plan: PlannedBooking, status: string, updatedAt: Date, bookedBy: By): Prisma.BookingCreateManyInput {
  const fate = plan.fate;
  const onsite = plan.mode === "onsite";
  const completed = fate.kind === "done" || fate.kind === "client_no_show" || fate.kind === "interpreter_no_show" ? fate : null;
  const cancelled = fate.kind === "cancelled" ? fate : null;
  return {
    id: plan.id, code: plan.code, organisationId: plan.organisation.id, language: plan.language, dialect: plan.dialect,
    startsAt: plan.startsAt, endsAt: plan.endsAt, durationMinutes: plan.durationMinutes, mode: plan.mode,
    street: onsite ? plan.organisation.street : null, postcode: onsite ? plan.organisation.postcode : null, city: onsite ? plan.organisation.municipality : null,
    room: plan.room, setting: plan.setting, topic: plan.topic as never, sensitive: plan.sensitive,
    genderPreference: plan.genderPreference, genderRequired: plan.genderRequired, caseReference: plan.caseReference,
    contactName: plan.contactName, contactPhone: plan.contactPhone,
    status: status as never,
    interpreterId: status === "open" || status === "offered" || status === "unfilled" ? null : plan.assignee?.id ?? null,
    assignedAt: plan.assignee && status !== "open" && status !== "offered" && status !== "unfilled" ? plan.assignedAt : null,
    cancelledAt: cancelled?.at ?? null, cancelledBy: cancelled?.by ?? null, cancellationReason: cancelled?.reason ?? null, lateCancellation: cancelled ? cancelled.late : null,
    outcome: completed?.kind ?? null, completedAt: completed?.completedAt ?? null, actualMinutes: completed?.actualMinutes ?? null, travelKm: completed?.travelKm ?? null,
    createdByKeyId: bookedBy.actorType === "key" ? bookedBy.actorKeyId : null,
    createdAt: plan.createdAt, updatedAt,
  };
}

/** The allowance as close-out computes it (src/features/allowances/allowance-creation.ts); null when none is due. */
function allowanceRow(random: Prng, plan: PlannedBooking, tariffs: Tariff[], outcome: JobOutcome, minutes: number, travelKm: number | null, at: Date): Prisma.AllowanceCreateManyInput | null {
  const tariff = selectTariff(tariffs, { startsAt: plan.startsAt, organisationId: plan.organisation.id, organisationKind: plan.organisation.kind });
  if (!tariff) return null;
  if (outcome === "late_cancellation" && !lateCancellationApplies(plan.startsAt, at, tariff.lateCancellation.hours)) return null;
  const result = calculateAllowance(tariff, { outcome, minutes, travelKm });
  return {
    id: random.uuid7(at), bookingId: plan.id, interpreterId: plan.assignee!.id, organisationId: plan.organisation.id, tariffId: tariff.id, outcome,
    serviceDate: plan.startsAt, year: toLocal(plan.startsAt).year, amountCents: result.amountCents, breakdown: result.lines as unknown as Prisma.InputJsonValue,
    status: "approved", decidedAt: at, createdAt: at,
  };
}

/**
 * Finance's monthly routine: on the 3rd of each month the approved allowances of jobs up to the end
 * of the previous month go into an export batch, paid a week later. Sets each allowance's status.
 *
 * @example
 * exportBatches(random, rows, financeKeyId, now); // rows.batches filled, allowances "paid"/"exported"
 */
export function exportBatches(random: Prng, rows: DemoRows, financeKeyId: string, now: Date): void {
  const months = [...new Set(rows.allowances.map((row) => toLocal(row.serviceDate as Date).date.slice(0, 7)))].sort();
  for (const month of months) {
    const [year, monthNumber] = month.split("-").map(Number) as [number, number];
    const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, "0")}`;
    const createdAt = new Date(`${next}-03T08:00:00Z`);
    if (createdAt > now) continue;
    const upTo = new Date(`${next}-01T00:00:00Z`);
    const members = rows.allowances.filter((row) => !row.exportBatchId && (row.serviceDate as Date) < upTo && (row.createdAt as Date) <= createdAt);
    if (members.length === 0) continue;
    const paidAt = new Date(createdAt.getTime() + 7 * DAY);
    const paid = paidAt <= now;
    const id = random.uuid7(createdAt);
    rows.batches.push({
      id, status: paid ? "paid" : "exported", upTo, allowanceCount: members.length, totalCents: members.reduce((sum, row) => sum + row.amountCents, 0),
      createdByKeyId: financeKeyId, createdAt, paidAt: paid ? paidAt : null,
    });
    for (const row of members) {
      row.exportBatchId = id;
      row.status = paid ? "paid" : "exported";
    }
  }
}
