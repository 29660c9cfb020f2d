import { fromLocal, toLocal, addDays } from "../../domain/pool-time";
import { LANGUAGES, LAST_NAMES } from "./catalogue";
import type { DemoInterpreter, DemoOrganisation } from "./pool";
import type { Prng } from "./prng";

/** What became of a booking. */
export type Fate =
  | { kind: "done" | "client_no_show" | "interpreter_no_show"; completedAt: Date; actualMinutes: number | null; travelKm: number | null }
  | { kind: "cancelled"; by: "requester" | "coordinator"; late: boolean; at: Date; reason: string }
  | { kind: "unfilled" }
  | { kind: "open" | "offered" | "assigned" };

export interface PlannedBooking {
  id: string;
  code: string;
  organisation: DemoOrganisation;
  language: string;
  dialect: string | null;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  mode: "onsite" | "phone" | "video";
  room: string | null;
  setting: string;
  topic: string;
  sensitive: boolean;
  genderPreference: "female" | "male" | null;
  genderRequired: boolean;
  caseReference: string | null;
  contactName: string;
  contactPhone: string;
  createdAt: Date;
  /** Assigned after an SMS offer (the person said JA) or by the pool office. */
  via: "sms" | "coordinator";
  assignee: DemoInterpreter | null;
  assignedAt: Date | null;
  /** Someone who had it first and gave it back. */
  previous: { person: DemoInterpreter; at: Date; late: boolean; via: "sms" | "coordinator"; assignedAt: Date } | null;
  /** Others asked in the same wave who said no (or did not answer in time). */
  declined: DemoInterpreter[];
  fate: Fate;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TRAVEL_BUFFER = 30 * MINUTE;

/** Who is busy when: each person's assignments, for the no-double-booking and monthly rules. */
class Calendar {
  private readonly jobs = new Map<string, { start: number; end: number; onsite: boolean }[]>();

  busy(person: DemoInterpreter, start: Date, end: Date, onsite: boolean): boolean {
    return (this.jobs.get(person.id) ?? []).some((job) => {
      const buffer = onsite || job.onsite ? TRAVEL_BUFFER : 0;
      return start.getTime() < job.end + buffer && job.start < end.getTime() + buffer;
    });
  }

  countBetween(person: DemoInterpreter, from: number, to: number): number {
    return (this.jobs.get(person.id) ?? []).filter((job) => job.start >= from && job.start < to).length;
  }

  add(person: DemoInterpreter, start: Date, end: Date, onsite: boolean): void {
    const list = this.jobs.get(person.id) ?? [];
    list.push({ start: start.getTime(), end: end.getTime(), onsite });
    this.jobs.set(person.id, list);
  }

  remove(person: DemoInterpreter, start: Date): void {
    this.jobs.set(person.id, (this.jobs.get(person.id) ?? []).filter((job) => job.start !== start.getTime()));
  }
}

export interface ScheduleOptions {
  now: Date;
  pastDays: number;
  futureDays: number;
}

/**
 * Plans a year of bookings and the next weeks': who booked what, who got it under the pool's
 * hard rules (language, mode, weekly slot, absence, gender, no overlap with travel buffer, monthly
 * limit; fairness first), and how each ended.
 *
 * @example
 * planBookings(createPrng(2015), organisations, people, { now: new Date(), pastDays: 365, futureDays: 21 }); // ~870 plans
 */
export function planBookings(random: Prng, organisations: DemoOrganisation[], people: DemoInterpreter[], options: ScheduleOptions): PlannedBooking[] {
  const { now } = options;
  const calendar = new Calendar();
  const codes = new Set<string>();
  const plans: PlannedBooking[] = [];
  const today = toLocal(now).date;
  const languages = LANGUAGES.map((language) => [language, language.demand] as const);
  const byDemand = organisations.map((organisation) => [organisation, organisation.demand] as const);

  const eligible = (person: DemoInterpreter, plan: PlannedBooking) => {
    const local = toLocal(plan.startsAt);
    const endMinute = local.minute + plan.durationMinutes;
    if (!person.languages.some((language) => language.code === plan.language)) return false;
    if (!person.modes.includes(plan.mode)) return false;
    if (person.createdAt > plan.createdAt || (person.leftAt && person.leftAt < plan.startsAt)) return false;
    if (plan.genderRequired && person.gender !== plan.genderPreference) return false;
    if (!person.slots.some((slot) => slot.weekday === local.weekday && slot.fromMinute <= local.minute && endMinute <= slot.toMinute)) return false;
    if (person.absences.some((absence) => absence.from <= local.date && local.date <= absence.to)) return false;
    const monthStart = fromLocal(`${local.date.slice(0, 7)}-01`, 0).getTime();
    const monthEnd = fromLocal(`${addDays(`${local.date.slice(0, 7)}-28`, 4).slice(0, 7)}-01`, 0).getTime();
    if (person.maxAssignmentsPerMonth !== null && calendar.countBetween(person, monthStart, monthEnd) >= person.maxAssignmentsPerMonth) return false;
    return !calendar.busy(person, plan.startsAt, plan.endsAt, plan.mode === "onsite");
  };

  // A few volunteers answer every offer first: they end up near the yearly tax-free cap.
  const eagerness = new Map(people.map((person) => [person.id, random.next() ** 4]));
  /** The fairest candidates first (fewest jobs in the 30 days before, then by chance); often the keenest one wins. */
  const candidates = (plan: PlannedBooking, except: DemoInterpreter[] = []) => {
    const from = plan.startsAt.getTime() - 30 * DAY;
    const ranked = random
      .shuffle(people.filter((person) => !except.includes(person) && eligible(person, plan)))
      .map((person) => ({ person, load: calendar.countBetween(person, from, plan.startsAt.getTime()) }))
      .sort((a, b) => a.load - b.load)
      .map((entry) => entry.person);
    const keenest = [...ranked].sort((a, b) => eagerness.get(b.id)! - eagerness.get(a.id)!)[0];
    return keenest && random.chance(0.45) ? [keenest, ...ranked.filter((person) => person !== keenest)] : ranked;
  };

  for (let offset = -options.pastDays; offset <= options.futureDays; offset += 1) {
    const date = addDays(today, offset);
    const weekday = toLocal(fromLocal(date, 12 * 60)).weekday;
    if (offset === 0 || weekday > 5) continue;
    const future = offset > 0;
    const perDay = future ? random.int(1, 4) : random.weighted([[1, 1], [2, 3], [3, 4], [4, 3], [5, 2]] as const);
    for (let n = 0; n < perDay; n += 1) {
      const organisation = random.weighted(byDemand);
      const language = random.weighted(languages);
      const durationMinutes = random.weighted([[60, 50], [90, 30], [120, 20]] as const);
      const startsAt = fromLocal(date, random.int(16, 32) * 30);
      const topic = random.pick(organisation.topics);
      const sensitive = topic === "psychosocial" ? random.chance(0.6) : random.chance(0.04);
      const mode = random.weighted([["onsite", 75], ["phone", 20], ["video", 5]] as const);
      const genderPreference = sensitive && random.chance(0.5) ? "female" : random.chance(0.05) ? random.pick(["female", "male"] as const) : null;
      let code: string;
      do code = String(random.int(1000, 9999));
      while (codes.has(code));
      codes.add(code);
      // Requests come 2–14 days ahead; the next weeks' ones were all made before now.
      const ahead = startsAt.getTime() - random.int(2, 14) * DAY - random.int(1, 8) * HOUR;
      const createdAt = new Date(future ? Math.min(ahead, now.getTime() - random.int(1, 96) * HOUR) : ahead);
      const plan: PlannedBooking = {
        id: random.uuid7(createdAt),
        code,
        organisation,
        language: language.code,
        dialect: language.dialects.length > 0 && random.chance(0.3) ? random.pick(language.dialects) : null,
        startsAt,
        endsAt: new Date(startsAt.getTime() + durationMinutes * MINUTE),
        durationMinutes,
        mode,
        room: mode === "onsite" && random.chance(0.5) ? `${random.int(0, 3)}.${String(random.int(1, 30)).padStart(2, "0")}` : null,
        setting: random.pick(organisation.settings),
        topic,
        sensitive,
        genderPreference,
        genderRequired: genderPreference !== null && sensitive,
        caseReference: organisation.kind === "authority" ? `AZ-${toLocal(startsAt).year}-${String(random.int(1, 9999)).padStart(4, "0")}` : null,
        contactName: `${random.pick(["Frau", "Herr"])} ${random.pick(LAST_NAMES)}`,
        // Köln's range for films and books (0221 4710 000–999): never a real line.
        contactPhone: `0221 4710${String(random.int(0, 999)).padStart(3, "0")}`,
        createdAt,
        via: random.chance(0.65) ? "sms" : "coordinator",
        assignee: null,
        assignedAt: null,
        previous: null,
        declined: [],
        fate: { kind: "unfilled" },
      };
      decide(random, plan, candidates, calendar, now);
      plans.push(plan);
    }
  }
  return plans;
}

/** Picks who got the job and how it ended (in the future: open, offered or assigned). */
function decide(
  random: Prng,
  plan: PlannedBooking,
  candidates: (plan: PlannedBooking, except?: DemoInterpreter[]) => DemoInterpreter[],
  calendar: Calendar,
  now: Date,
): void {
  const future = plan.startsAt > now;
  const found = candidates(plan);
  if (future) {
    const roll = random.next();
    if (found.length === 0 || roll < 0.3) return void (plan.fate = { kind: "open" });
    if (roll < 0.4 && found.length > 1) {
      plan.declined = found.slice(0, Math.min(3, found.length));
      return void (plan.fate = { kind: "offered" });
    }
  } else if (found.length === 0 || random.chance(0.02)) {
    // Nobody could (or, asked by SMS, would) take it before the start.
    plan.declined = found.slice(0, 2);
    return void (plan.fate = { kind: "unfilled" });
  }
  const [first, ...others] = found;
  plan.assignee = first!;
  plan.declined = plan.via === "sms" ? others.slice(0, random.int(0, 2)) : [];
  const answered = plan.createdAt.getTime() + random.int(10, 600) * MINUTE;
  plan.assignedAt = new Date(Math.min(answered, plan.startsAt.getTime() - HOUR, future ? now.getTime() - MINUTE : Infinity));
  calendar.add(first!, plan.startsAt, plan.endsAt, plan.mode === "onsite");
  if (future) return void (plan.fate = { kind: "assigned" });

  const roll = random.next();
  if (roll < 0.04) {
    // The interpreter gave the job back; the pool office found someone else.
    const replacement = candidates(plan, [first!])[0];
    if (replacement) {
      const at = new Date(Math.min(plan.assignedAt.getTime() + random.int(1, 48) * HOUR, plan.startsAt.getTime() - 2 * HOUR));
      plan.previous = { person: first!, at, late: plan.startsAt.getTime() - at.getTime() < 24 * HOUR, via: plan.via, assignedAt: plan.assignedAt };
      calendar.remove(first!, plan.startsAt);
      calendar.add(replacement, plan.startsAt, plan.endsAt, plan.mode === "onsite");
      plan.assignee = replacement;
      plan.via = "coordinator";
      plan.assignedAt = new Date(at.getTime() + random.int(10, 90) * MINUTE);
    }
  }
  // Jobs of the last days partly wait for their close-out.
  if (now.getTime() - plan.endsAt.getTime() < 3 * DAY && random.chance(0.5)) return void (plan.fate = { kind: "assigned" });
  const outcome = random.next();
  const closedAt = new Date(Math.min(plan.endsAt.getTime() + random.int(2, 72) * HOUR, now.getTime() - MINUTE));
  if (outcome < 0.11) {
    const late = outcome < 0.04;
    const before = late ? random.int(2, 20) * HOUR : random.int(2, 6) * DAY;
    const at = new Date(Math.max(plan.startsAt.getTime() - before, plan.assignedAt!.getTime() + MINUTE));
    const by = outcome < 0.09 ? "requester" : "coordinator";
    const reason = random.pick(["Termin entfällt", "Klient:in erkrankt", "Termin verschoben", "Gespräch findet ohne Sprachmittlung statt"]);
    plan.fate = { kind: "cancelled", by, late: plan.startsAt.getTime() - at.getTime() < 24 * HOUR, at, reason };
    return;
  }
  const kind = outcome < 0.95 ? "done" : outcome < 0.985 ? "client_no_show" : "interpreter_no_show";
  plan.fate = {
    kind,
    completedAt: closedAt,
    actualMinutes: kind === "done" ? plan.durationMinutes + random.pick([-15, 0, 0, 0, 15, 30]) : null,
    travelKm: kind !== "interpreter_no_show" && plan.mode === "onsite" ? random.int(2, 28) : null,
  };
}
