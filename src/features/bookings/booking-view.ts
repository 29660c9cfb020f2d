import type { Actor } from "../../auth/actor";
import { isErasedPhone } from "../../domain/data-protection";
import { maskPhoneNumber } from "../../domain/phone";
import type { BookingEvent, Prisma } from "../../generated/prisma/client";
import type { BookingView } from "./bookings.schemas";

export const BOOKING_INCLUDE = {
  organisation: { select: { name: true } },
  interpreter: { select: { id: true, name: true, phone: true } },
} as const satisfies Prisma.BookingInclude;

export type BookingRow = Prisma.BookingGetPayload<{ include: typeof BOOKING_INCLUDE }>;

export interface ViewOptions {
  /** SHARE_INTERPRETER_PHONE: requesters see the assigned interpreter's number. */
  shareInterpreterPhone: boolean;
}

/**
 * The API view of a booking for one actor. Requesters see the assigned interpreter's name (the
 * phone only if the pool shares it); finance sees no contact or case details, which it does not need.
 */
export function toBookingView(row: BookingRow, actor: Actor, options: ViewOptions, events?: BookingEvent[]): BookingView {
  const caseDetails = actor.role !== "finance";
  // An erased person's placeholder is no number: it is not shown.
  const showPhone = (actor.role === "coordinator" || (actor.role === "requester" && options.shareInterpreterPhone)) && !isErasedPhone(row.interpreter?.phone ?? "");
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    organisationId: row.organisationId,
    organisationName: row.organisation.name,
    seriesId: row.seriesId,
    language: row.language,
    dialect: row.dialect,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    durationMinutes: row.durationMinutes,
    mode: row.mode,
    location: row.street && row.postcode && row.city ? { street: row.street, postcode: row.postcode, city: row.city, room: row.room } : null,
    setting: row.setting,
    topic: row.topic,
    sensitive: row.sensitive,
    genderPreference: row.genderPreference && row.genderPreference !== "diverse" ? { gender: row.genderPreference, required: row.genderRequired } : null,
    ...(caseDetails
      ? { caseReference: row.caseReference, contactName: row.contactName, contactPhone: row.contactPhone, notes: row.notes }
      : {}),
    interpreterId: row.interpreterId,
    interpreter: row.interpreter
      ? { id: row.interpreter.id, name: row.interpreter.name, ...(showPhone ? { phone: row.interpreter.phone } : {}) }
      : null,
    assignedAt: row.assignedAt?.toISOString() ?? null,
    cancellation:
      row.cancelledAt && row.cancelledBy
        ? { at: row.cancelledAt.toISOString(), by: row.cancelledBy, reason: row.cancellationReason ?? "", late: row.lateCancellation ?? false }
        : null,
    completion:
      row.completedAt && row.outcome
        ? {
            at: row.completedAt.toISOString(),
            outcome: row.outcome,
            actualStartsAt: row.actualStartsAt?.toISOString() ?? null,
            actualMinutes: row.actualMinutes,
            travelKm: row.travelKm,
            note: row.completionNote,
          }
        : null,
    needsAttention: row.needsAttention,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(events
      ? {
          history: events.map((event) => ({
            at: event.at.toISOString(),
            actor: { type: event.actorType, keyId: event.actorKeyId, phone: event.actorPhone ? maskPhoneNumber(event.actorPhone) : null },
            action: event.action,
            from: event.fromStatus,
            to: event.toStatus,
            reason: event.reason,
            details: event.details ?? null,
          })),
        }
      : {}),
  };
}
