import { IdParamSchema } from "../../lib/common-schemas";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import {
  AssignBookingSchema,
  BookingPageSchema,
  BookingSchema,
  CancelBookingSchema,
  CandidatesQuerySchema,
  CandidatesSchema,
  CompleteBookingSchema,
  CreateBookingSchema,
  ListBookingsQuerySchema,
  UpdateBookingSchema,
} from "./bookings.schemas";

const tags = ["Bookings"];
const transition = "409 INVALID_TRANSITION when the booking's state does not allow it.";

export const createBookingRoute = defineRoute({
  method: "post",
  path: "/v1/bookings",
  tags,
  summary: "Book an interpreter",
  description: "Creates an open booking with a short numeric `code` (used in SMS). Times are ISO 8601 with offset; the duration is 15–600 minutes; on-site bookings need a place.",
  roles: ["coordinator", "requester"],
  request: { body: jsonBody(CreateBookingSchema) },
  responses: { 201: jsonContent(BookingSchema, "The new booking") },
});

export const listBookingsRoute = defineRoute({
  method: "get",
  path: "/v1/bookings",
  tags,
  summary: "List bookings (by start time)",
  description: "Requester keys see their own organisation's bookings only.",
  roles: ["coordinator", "requester", "finance"],
  request: { query: ListBookingsQuerySchema },
  responses: { 200: jsonContent(BookingPageSchema, "A page of bookings") },
});

export const getBookingRoute = defineRoute({
  method: "get",
  path: "/v1/bookings/{id}",
  tags,
  summary: "Read a booking with its history",
  roles: ["coordinator", "requester", "finance"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(BookingSchema, "The booking, with `history`") },
});

export const updateBookingRoute = defineRoute({
  method: "patch",
  path: "/v1/bookings/{id}",
  tags,
  summary: "Change an active booking (time, place, details)",
  description: `An assigned interpreter is told of a new time or place by SMS; a new time must be free for them (409 DOUBLE_BOOKING). Offers sent with the old time or place are withdrawn and the booking goes back to open. Language, mode and organisation cannot change. ${transition}`,
  roles: ["coordinator", "requester"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(UpdateBookingSchema) },
  responses: { 200: jsonContent(BookingSchema, "The changed booking") },
});

export const candidatesRoute = defineRoute({
  method: "get",
  path: "/v1/bookings/{id}/candidates",
  tags,
  summary: "Interpreters who can take the job, best first, with reasons",
  description:
    "Hard rules: active, speaks the language, offers the mode, a weekly slot covers the job, not absent, no clashing assignment (travel buffer around on-site jobs), monthly maximum, a required gender, not blocked for the organisation, within their travel distance. Ranking: fairness (fewest assignments in the 30 days before the job, then longest since the last), dialect, qualification fit, a gender wish, distance; ties by id. Returns the best `limit` (default 20) with `hasMore`; the pool is ordered on the ranking facts first and the hard rules are checked from the top down, so the answer stays fast in large pools.",
  roles: ["coordinator"],
  request: { params: IdParamSchema, query: CandidatesQuerySchema },
  responses: { 200: jsonContent(CandidatesSchema, "Candidates and (with includeExcluded) the others") },
});

export const assignBookingRoute = defineRoute({
  method: "post",
  path: "/v1/bookings/{id}/assign",
  tags,
  summary: "Assign an interpreter",
  description: `Enforces the hard rules (422 NOT_ELIGIBLE); \`force: true\` overrides availability, absence, monthly limit and travel distance. Never a double booking (409 DOUBLE_BOOKING). ${transition}`,
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(AssignBookingSchema) },
  responses: { 200: jsonContent(BookingSchema, "The assigned booking") },
});

export const cancelBookingRoute = defineRoute({
  method: "post",
  path: "/v1/bookings/{id}/cancel",
  tags,
  summary: "Cancel a booking, or record that its interpreter cancelled",
  description: `Records whether the cancellation is late (less than LATE_CANCELLATION_HOURS, default 24, before the start). With \`cancelledBy: "interpreter"\` the booking goes back to open. ${transition}`,
  roles: ["coordinator", "requester"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(CancelBookingSchema) },
  responses: { 200: jsonContent(BookingSchema, "The booking after the cancellation") },
});

export const completeBookingRoute = defineRoute({
  method: "post",
  path: "/v1/bookings/{id}/complete",
  tags,
  summary: "Close out an assigned booking after its start",
  description: `Outcome \`done\`, \`client_no_show\` or \`interpreter_no_show\`, with the actual start, minutes and travel. ${transition}`,
  roles: ["coordinator", "requester"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(CompleteBookingSchema) },
  responses: { 200: jsonContent(BookingSchema, "The completed booking") },
});
