import { normaliseIban } from "../../domain/iban";
import { normaliseMobileNumber } from "../../domain/phone";
import { toLocal } from "../../domain/pool-time";
import type { Tariff } from "../../domain/tariffs";
import { BANK_CODES, FIRST_NAMES, LANGUAGES, LAST_NAMES, ORGANISATIONS, PLACES, placeIn, RELATED, TRAININGS, type Kind } from "./catalogue";
import type { Prng } from "./prng";

export interface DemoOrganisation {
  id: string;
  name: string;
  kind: Kind;
  municipality: string;
  street: string;
  postcode: string;
  costCentre: string;
  demand: number;
  topics: readonly string[];
  settings: readonly string[];
  createdAt: Date;
}

export interface DemoSlot {
  weekday: number;
  fromMinute: number;
  toMinute: number;
}

export interface DemoInterpreter {
  id: string;
  name: string;
  phone: string;
  email: string;
  gender: "female" | "male" | "diverse";
  qualification: "volunteer" | "trained" | "certified";
  modes: ("onsite" | "phone" | "video")[];
  homePostcode: string;
  maxTravelKm: number | null;
  maxAssignmentsPerMonth: number | null;
  iban: string;
  languages: { code: string; dialect: string | null; level: "native" | "fluent" | "basic" }[];
  trainings: { title: string; date: Date }[];
  slots: DemoSlot[];
  /** Local dates, inclusive. */
  absences: { from: string; to: string; note: string }[];
  active: boolean;
  /** When an inactive person stopped taking jobs. */
  leftAt: Date | null;
  createdAt: Date;
}

const DAY = 86_400_000;

/** The 15 organisations, registered over the last two years. */
export function makeOrganisations(random: Prng, now: Date): DemoOrganisation[] {
  return ORGANISATIONS.map((seed) => {
    const createdAt = new Date(now.getTime() - random.int(400, 720) * DAY);
    return { ...seed, id: random.uuid7(createdAt), postcode: placeIn(seed.municipality).postcode, createdAt };
  }).sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Mobile numbers from the range the Bundesnetzagentur keeps free for films and books ("drama
 * numbers", 0152 28817386 – 0152 28895456), so demo SMS can never reach a real person.
 */
function dramaNumber(index: number): string {
  const result = normaliseMobileNumber(`0152 288${String(17400 + index * 7).padStart(5, "0")}`);
  if (!result.ok) throw new Error(`demo phone number ${index} is not valid: ${result.message}`);
  return result.e164;
}

/** A German IBAN with a correct checksum (ISO 13616 mod 97). */
function germanIban(random: Prng): string {
  const bban = random.pick(BANK_CODES) + String(random.int(100_000_000, 9_999_999_999)).padStart(10, "0");
  const check = 98n - (BigInt(`${bban}131400`) % 97n);
  const iban = `DE${String(check).padStart(2, "0")}${bban}`;
  if (!normaliseIban(iban)) throw new Error(`demo IBAN ${iban} is not valid`);
  return iban;
}

const SLOT_PATTERNS: readonly DemoSlot[][] = [
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 8 * 60, toMinute: 13 * 60 })),
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 12 * 60, toMinute: 18 * 60 })),
  [1, 3, 5].map((weekday) => ({ weekday, fromMinute: 8 * 60, toMinute: 17 * 60 })),
  [2, 4].map((weekday) => ({ weekday, fromMinute: 7 * 60 + 30, toMinute: 18 * 60 })),
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, fromMinute: 8 * 60, toMinute: 18 * 60 })),
];

function mergeSlots(slots: DemoSlot[]): DemoSlot[] {
  const merged: DemoSlot[] = [];
  for (const slot of [...slots].sort((a, b) => a.weekday - b.weekday || a.fromMinute - b.fromMinute)) {
    const last = merged[merged.length - 1];
    if (last && last.weekday === slot.weekday && slot.fromMinute <= last.toMinute) last.toMinute = Math.max(last.toMinute, slot.toMinute);
    else merged.push({ ...slot });
  }
  return merged;
}

/**
 * About 100 interpreters: every language of the catalogue spoken by someone, the frequent ones by
 * many; weekly availability, a few holidays, trainings, IBANs and SMS consent.
 */
export function makeInterpreters(random: Prng, now: Date, count = 100): DemoInterpreter[] {
  const byDemand = LANGUAGES.map((language) => [language, language.demand] as const);
  const usedNames = new Set<string>();
  const people: DemoInterpreter[] = [];
  for (let index = 0; index < count; index += 1) {
    // The first 30 cover each language once; the rest follow demand.
    const primary = index < LANGUAGES.length ? LANGUAGES[index]! : random.weighted(byDemand);
    const codes = [primary.code];
    const related = RELATED[primary.code] ?? ["en"];
    if (random.chance(0.55)) codes.push(random.pick(related));
    if (random.chance(0.15)) codes.push(random.pick(["en", "fr", "ru", "ar"]));
    const languages = [...new Set(codes)].map((code, position) => {
      const dialects = LANGUAGES.find((language) => language.code === code)?.dialects ?? [];
      return {
        code,
        dialect: dialects.length > 0 && random.chance(0.7) ? random.pick(dialects) : null,
        level: position === 0 ? ("native" as const) : position === 1 ? ("fluent" as const) : ("basic" as const),
      };
    });
    const gender = random.weighted([["female", 60], ["male", 38], ["diverse", 2]] as const);
    let name: string;
    do name = `${random.pick(FIRST_NAMES[gender])} ${random.pick(LAST_NAMES)}`;
    while (usedNames.has(name));
    usedNames.add(name);
    const createdAt = new Date(now.getTime() - random.int(370, 1500) * DAY);
    const qualification = random.weighted([["volunteer", 50], ["trained", 35], ["certified", 15]] as const);
    const trainings = TRAININGS.filter(() => random.chance(qualification === "volunteer" ? 0.2 : 0.5)).map((title) => ({
      title,
      date: new Date(`${toLocal(new Date(createdAt.getTime() + random.int(20, 360) * DAY)).date}T00:00:00Z`),
    }));
    const slots = mergeSlots([...random.pick(SLOT_PATTERNS), ...(random.chance(0.3) ? random.pick(SLOT_PATTERNS) : [])]);
    const absences: DemoInterpreter["absences"] = [];
    if (random.chance(0.35)) {
      const start = new Date(now.getTime() - random.int(30, 330) * DAY);
      const from = toLocal(start).date;
      absences.push({ from, to: toLocal(new Date(start.getTime() + random.int(7, 20) * DAY)).date, note: "Urlaub" });
    }
    if (random.chance(0.1)) {
      const start = new Date(now.getTime() + random.int(3, 40) * DAY);
      absences.push({ from: toLocal(start).date, to: toLocal(new Date(start.getTime() + random.int(3, 14) * DAY)).date, note: random.pick(["Urlaub", "Prüfungszeit", "Familienbesuch"]) });
    }
    const active = index >= LANGUAGES.length ? random.chance(0.95) : true;
    const home = random.pick(PLACES);
    people.push({
      id: random.uuid7(createdAt),
      name,
      phone: dramaNumber(index),
      email: `${name.toLowerCase().normalize("NFD").replace(/[^a-z ]/g, "").replace(/ /g, ".")}@example.org`,
      gender,
      qualification,
      modes: random.chance(0.25) ? ["onsite", "phone", "video"] : random.chance(0.85) ? ["onsite", "phone"] : ["phone", "video"],
      homePostcode: home.postcode,
      maxTravelKm: random.chance(0.6) ? random.pick([15, 20, 25, 40]) : null,
      maxAssignmentsPerMonth: random.chance(0.5) ? random.int(4, 12) : null,
      iban: germanIban(random),
      languages,
      trainings,
      slots,
      absences: absences.filter((absence) => absence.to >= absence.from),
      active,
      leftAt: active ? null : new Date(now.getTime() - random.int(20, 150) * DAY),
      createdAt,
    });
  }
  return people.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The pool's tariffs: Düren's flat 20 EUR for everyone, and a first-hour-plus-increments tariff
 * with travel money for clinics (as in Rhein-Erft).
 */
export function makeTariffs(random: Prng, now: Date): Tariff[] {
  const validFrom = `${toLocal(now).year - 3}-01-01`;
  const createdAt = new Date(now.getTime() - 1000 * DAY);
  return [
    { id: random.uuid7(createdAt), validFrom, scope: {}, model: { kind: "flat", amountCents: 2000 }, travelCentsPerKm: null, lateCancellation: { hours: 24, pay: { kind: "base" } } },
    {
      id: random.uuid7(createdAt),
      validFrom,
      scope: { organisationKind: "clinic" },
      model: { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 30, incrementCents: 500 },
      travelCentsPerKm: 30,
      lateCancellation: { hours: 24, pay: { kind: "amount", amountCents: 1500 } },
    },
  ];
}
