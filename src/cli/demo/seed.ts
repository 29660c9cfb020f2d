import { generateApiKey, hashApiKey, visiblePrefix } from "../../auth/api-key-secret";
import type { Database } from "../../db/database";
import type { Tariff } from "../../domain/tariffs";
import type { Prisma } from "../../generated/prisma/client";
import type { RandomSource } from "../../lib/random";
import { PLACES } from "./catalogue";
import { exportBatches, historyRows } from "./history";
import { makeInterpreters, makeOrganisations, makeTariffs, type DemoInterpreter } from "./pool";
import { createPrng } from "./prng";
import { planBookings } from "./schedule";

/** The demo is the same pool on every run (dates move with today). */
const SEED = 2015;

export class DemoRefused extends Error {}

export interface DemoKey {
  label: string;
  role: "coordinator" | "finance" | "requester";
  key: string;
}

export interface DemoSummary {
  interpreters: number;
  languages: number;
  organisations: number;
  pastBookings: number;
  completed: number;
  futureBookings: number;
  allowances: number;
  batches: number;
  keys: DemoKey[];
}

/**
 * Fills an empty database with a demo pool, all in one transaction: organisations of every kind in
 * Kreis Düren, about 100 interpreters in 30 languages, a year of bookings with their history,
 * allowances and paid export batches, the next weeks' bookings, and API keys (made and hashed like
 * any other key, shown once).
 *
 * @example
 * const summary = await seedDemo(db, new Date(), cryptoRandom); // summary.keys: the keys to print
 *
 * @throws {DemoRefused} when the database already holds interpreters or bookings
 */
export async function seedDemo(db: Database, now: Date, secrets: RandomSource): Promise<DemoSummary> {
  const { prisma } = db;
  const [interpreters, bookings] = await Promise.all([prisma.interpreter.count(), prisma.booking.count()]);
  if (interpreters > 0 || bookings > 0) {
    throw new DemoRefused(`The database already holds ${interpreters} interpreters and ${bookings} bookings; the demo only fills an empty one (use a new DATA_DIR or an empty database).`);
  }
  const random = createPrng(SEED);
  const organisations = makeOrganisations(random, now);
  const people = makeInterpreters(random, now);
  const tariffs = makeTariffs(random, now);
  const plans = planBookings(random, organisations, people, { now, pastDays: 365, futureDays: 21 });

  const keys: DemoKey[] = [];
  const keyRows: Prisma.ApiKeyCreateManyInput[] = [];
  const addKey = async (label: string, role: DemoKey["role"], organisationId: string | null, at: Date) => {
    const key = generateApiKey(secrets);
    const id = random.uuid7(at);
    keyRows.push({ id, name: label, role, organisationId, keyHash: await hashApiKey(key), prefix: visiblePrefix(key), createdAt: at });
    keys.push({ label, role, key });
    return id;
  };
  const keysSince = new Date(Math.min(...organisations.map((organisation) => organisation.createdAt.getTime())));
  const coordinatorId = await addKey("Demo: Koordinationsstelle", "coordinator", null, keysSince);
  const financeId = await addKey("Demo: Kämmerei", "finance", null, keysSince);
  const requesterIdByOrganisation = new Map<string, string>();
  for (const organisation of organisations) {
    requesterIdByOrganisation.set(organisation.id, await addKey(`Demo: ${organisation.name}`, "requester", organisation.id, organisation.createdAt));
  }

  const rows = historyRows(random, plans, tariffs, { coordinatorId, financeId, requesterIdByOrganisation }, now);
  exportBatches(random, rows, financeId, now);

  await prisma.$transaction(
    async (tx) => {
      await tx.organisation.createMany({
        data: organisations.map((o) => ({
          id: o.id, name: o.name, kind: o.kind, municipality: o.municipality, costCentre: o.costCentre, street: o.street, postcode: o.postcode,
          city: o.municipality, contactEmail: `dolmetschen@${o.id.slice(0, 8)}.example.org`, createdAt: o.createdAt, updatedAt: o.createdAt,
        })),
      });
      await tx.apiKey.createMany({ data: keyRows });
      await tx.interpreter.createMany({ data: people.map(interpreterRow) });
      await tx.interpreterLanguage.createMany({ data: people.flatMap((p) => p.languages.map((l) => ({ interpreterId: p.id, ...l }))) });
      await tx.interpreterTraining.createMany({ data: people.flatMap((p) => p.trainings.map((t) => ({ interpreterId: p.id, ...t }))) });
      await tx.availabilitySlot.createMany({ data: people.flatMap((p) => p.slots.map((s) => ({ interpreterId: p.id, ...s }))) });
      await tx.absence.createMany({
        data: people.flatMap((p) => p.absences.map((a) => ({ interpreterId: p.id, fromDate: new Date(`${a.from}T00:00:00Z`), toDate: new Date(`${a.to}T00:00:00Z`), note: a.note }))),
      });
      await tx.tariff.createMany({ data: tariffs.map((tariff) => tariffRow(tariff, keysSince, coordinatorId)) });
      await tx.postcodeLocation.createMany({
        data: PLACES.map((place) => ({ postcode: place.postcode, latitude: place.latitude, longitude: place.longitude, place: place.municipality })),
        skipDuplicates: true,
      });
      await tx.booking.createMany({ data: rows.bookings });
      await tx.bookingEvent.createMany({ data: rows.events });
      await tx.smsMessage.createMany({ data: rows.sms });
      await tx.offer.createMany({ data: rows.offers });
      await tx.exportBatch.createMany({ data: rows.batches });
      await tx.allowance.createMany({ data: rows.allowances });
    },
    { timeout: 300_000, maxWait: 60_000 },
  );

  const past = plans.filter((plan) => plan.startsAt < now);
  return {
    interpreters: people.length,
    languages: new Set(people.flatMap((person) => person.languages.map((language) => language.code))).size,
    organisations: organisations.length,
    pastBookings: past.length,
    completed: past.filter((plan) => ["done", "client_no_show", "interpreter_no_show"].includes(plan.fate.kind)).length,
    futureBookings: plans.length - past.length,
    allowances: rows.allowances.length,
    batches: rows.batches.length,
    keys,
  };
}

function interpreterRow(person: DemoInterpreter): Prisma.InterpreterCreateManyInput {
  return {
    id: person.id, name: person.name, phone: person.phone, email: person.email, gender: person.gender, qualification: person.qualification,
    modes: person.modes, homePostcode: person.homePostcode, maxTravelKm: person.maxTravelKm, maxAssignmentsPerMonth: person.maxAssignmentsPerMonth,
    iban: person.iban, smsConsentAt: person.createdAt, active: person.active, createdAt: person.createdAt, updatedAt: person.leftAt ?? person.createdAt,
  };
}

function tariffRow(tariff: Tariff, createdAt: Date, createdByKeyId: string): Prisma.TariffCreateManyInput {
  return {
    id: tariff.id,
    validFrom: new Date(`${tariff.validFrom}T00:00:00Z`),
    organisationId: tariff.scope.organisationId ?? null,
    organisationKind: (tariff.scope.organisationKind ?? null) as never,
    model: tariff.model as unknown as Prisma.InputJsonValue,
    travelCentsPerKm: tariff.travelCentsPerKm,
    lateCancellationHours: tariff.lateCancellation.hours,
    lateCancellationPay: tariff.lateCancellation.pay as unknown as Prisma.InputJsonValue,
    createdByKeyId,
    createdAt,
  };
}
