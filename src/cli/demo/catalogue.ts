// The fixed lists the demo pool is made from: a county like Kreis Düren (about 100 volunteers,
// 30 languages, about 800 jobs a year). Names of organisations are generic, not real offices.

export interface Place {
  municipality: string;
  postcode: string;
  /** Approximate centre, so travel distances work in the demo. */
  latitude: number;
  longitude: number;
}

export const PLACES: readonly Place[] = [
  { municipality: "Düren", postcode: "52349", latitude: 50.8009, longitude: 6.4827 },
  { municipality: "Düren", postcode: "52351", latitude: 50.8045, longitude: 6.4930 },
  { municipality: "Düren", postcode: "52353", latitude: 50.8210, longitude: 6.4550 },
  { municipality: "Jülich", postcode: "52428", latitude: 50.9220, longitude: 6.3600 },
  { municipality: "Kreuzau", postcode: "52372", latitude: 50.7470, longitude: 6.4880 },
  { municipality: "Nideggen", postcode: "52385", latitude: 50.6890, longitude: 6.4830 },
  { municipality: "Langerwehe", postcode: "52379", latitude: 50.8170, longitude: 6.3560 },
  { municipality: "Niederzier", postcode: "52382", latitude: 50.8830, longitude: 6.4700 },
  { municipality: "Merzenich", postcode: "52399", latitude: 50.8270, longitude: 6.5280 },
  { municipality: "Vettweiß", postcode: "52391", latitude: 50.7380, longitude: 6.5980 },
  { municipality: "Linnich", postcode: "52441", latitude: 50.9790, longitude: 6.2700 },
  { municipality: "Aldenhoven", postcode: "52457", latitude: 50.8960, longitude: 6.2850 },
];

export const placeIn = (municipality: string): Place => PLACES.find((place) => place.municipality === municipality)!;

export type Kind = "authority" | "school" | "kindergarten" | "clinic" | "counselling" | "other";

export interface OrganisationSeed {
  name: string;
  kind: Kind;
  municipality: string;
  street: string;
  costCentre: string;
  /** Share of the pool's bookings. */
  demand: number;
  /** Topics its bookings have. */
  topics: readonly string[];
  settings: readonly string[];
}

export const ORGANISATIONS: readonly OrganisationSeed[] = [
  { name: "Jobcenter Kreis Düren", kind: "authority", municipality: "Düren", street: "Bismarckstr. 10", costCentre: "KST-4711", demand: 12, topics: ["authority"], settings: ["Erstgespräch", "Beratungsgespräch", "Antragstellung"] },
  { name: "Ausländerbehörde Kreis Düren", kind: "authority", municipality: "Düren", street: "Bismarckstr. 16", costCentre: "KST-3200", demand: 10, topics: ["authority"], settings: ["Vorsprache", "Aufenthaltsfragen", "Belehrung"] },
  { name: "Jugendamt Jülich", kind: "authority", municipality: "Jülich", street: "Große Rurstr. 17", costCentre: "KST-5100", demand: 7, topics: ["youth_welfare"], settings: ["Hilfeplangespräch", "Hausbesuch", "Beratung"] },
  { name: "Sozialamt Kreuzau", kind: "authority", municipality: "Kreuzau", street: "Bahnhofstr. 7", costCentre: "KST-5020", demand: 4, topics: ["authority"], settings: ["Antragsgespräch", "Wohngeld"] },
  { name: "Grundschule Nideggen", kind: "school", municipality: "Nideggen", street: "Schulstr. 3", costCentre: "KST-4010", demand: 6, topics: ["school"], settings: ["Elterngespräch", "Elternabend", "Schulanmeldung"] },
  { name: "Gesamtschule Langerwehe", kind: "school", municipality: "Langerwehe", street: "Schönthaler Str. 20", costCentre: "KST-4020", demand: 7, topics: ["school"], settings: ["Elterngespräch", "Förderplan", "Zeugnisgespräch"] },
  { name: "Realschule Jülich", kind: "school", municipality: "Jülich", street: "Römerstr. 4", costCentre: "KST-4030", demand: 5, topics: ["school"], settings: ["Elterngespräch", "Berufsorientierung"] },
  { name: "Kita Regenbogen Niederzier", kind: "kindergarten", municipality: "Niederzier", street: "Kirchstr. 12", costCentre: "KST-4110", demand: 4, topics: ["school", "general"], settings: ["Aufnahmegespräch", "Entwicklungsgespräch"] },
  { name: "Familienzentrum Merzenich", kind: "kindergarten", municipality: "Merzenich", street: "Hauptstr. 40", costCentre: "KST-4120", demand: 3, topics: ["general", "youth_welfare"], settings: ["Entwicklungsgespräch", "Elterncafé"] },
  { name: "Krankenhaus Düren (Demo)", kind: "clinic", municipality: "Düren", street: "Roonstr. 30", costCentre: "KST-6100", demand: 10, topics: ["medical"], settings: ["Aufklärungsgespräch", "Anamnese", "Entlassgespräch"] },
  { name: "Praxis für Kinderheilkunde Jülich", kind: "clinic", municipality: "Jülich", street: "Kölnstr. 9", costCentre: "KST-6200", demand: 5, topics: ["medical"], settings: ["Vorsorgeuntersuchung", "Impfberatung"] },
  { name: "Migrationsberatung Düren", kind: "counselling", municipality: "Düren", street: "Kölnstr. 58", costCentre: "KST-7100", demand: 8, topics: ["general", "psychosocial"], settings: ["Beratung", "Begleitung Behördengang"] },
  { name: "Frauenberatungsstelle Düren", kind: "counselling", municipality: "Düren", street: "Wilhelm-Wester-Weg 1", costCentre: "KST-7200", demand: 4, topics: ["psychosocial"], settings: ["Beratung", "Krisengespräch"] },
  { name: "Psychosoziales Zentrum Vettweiß", kind: "counselling", municipality: "Vettweiß", street: "Gereonstr. 2", costCentre: "KST-7300", demand: 5, topics: ["psychosocial"], settings: ["Therapiegespräch", "Erstgespräch"] },
  { name: "Kommunales Integrationszentrum Kreis Düren", kind: "other", municipality: "Düren", street: "Bismarckstr. 16", costCentre: "KST-1500", demand: 3, topics: ["general"], settings: ["Infoveranstaltung", "Sprechstunde"] },
];

/** 30 languages by ISO code, with dialects where pools ask for them, and how often they are booked. */
export const LANGUAGES: readonly { code: string; dialects: readonly string[]; demand: number }[] = [
  { code: "ar", dialects: ["levantinisch", "irakisch", "maghrebinisch", "ägyptisch"], demand: 22 },
  { code: "fa", dialects: [], demand: 8 },
  { code: "prs", dialects: [], demand: 8 },
  { code: "ps", dialects: [], demand: 4 },
  { code: "kmr", dialects: ["Badini"], demand: 6 },
  { code: "ckb", dialects: [], demand: 3 },
  { code: "tr", dialects: [], demand: 9 },
  { code: "ru", dialects: [], demand: 8 },
  { code: "uk", dialects: [], demand: 9 },
  { code: "ti", dialects: [], demand: 4 },
  { code: "so", dialects: [], demand: 2 },
  { code: "am", dialects: [], demand: 1 },
  { code: "sq", dialects: ["Gegisch", "Toskisch"], demand: 3 },
  { code: "sr", dialects: [], demand: 2 },
  { code: "bs", dialects: [], demand: 1 },
  { code: "ro", dialects: [], demand: 3 },
  { code: "bg", dialects: [], demand: 2 },
  { code: "pl", dialects: [], demand: 2 },
  { code: "rom", dialects: [], demand: 1 },
  { code: "en", dialects: [], demand: 2 },
  { code: "fr", dialects: ["westafrikanisch"], demand: 2 },
  { code: "es", dialects: [], demand: 1 },
  { code: "it", dialects: [], demand: 1 },
  { code: "pt", dialects: ["brasilianisch"], demand: 1 },
  { code: "ur", dialects: [], demand: 1 },
  { code: "vi", dialects: [], demand: 1 },
  { code: "zh", dialects: [], demand: 1 },
  { code: "el", dialects: [], demand: 1 },
  { code: "hy", dialects: [], demand: 1 },
  { code: "ka", dialects: [], demand: 1 },
];

/** Languages people who speak the first one often also speak. */
export const RELATED: Readonly<Record<string, readonly string[]>> = {
  ar: ["kmr", "fr", "en"],
  fa: ["prs", "en"],
  prs: ["fa", "ps"],
  ps: ["prs", "ur"],
  kmr: ["tr", "ar"],
  ckb: ["ar", "fa"],
  tr: ["kmr", "en"],
  ru: ["uk", "en"],
  uk: ["ru", "pl"],
  ti: ["am", "ar"],
  so: ["ar", "en"],
  sr: ["bs"],
  bs: ["sr"],
  ro: ["it", "fr"],
  bg: ["ru"],
  sq: ["it", "sr"],
};

export const FIRST_NAMES = {
  female: ["Amina", "Layla", "Fatima", "Mariam", "Nour", "Zahra", "Shirin", "Parisa", "Olena", "Natalia", "Irina", "Ayşe", "Elif", "Selam", "Hawa", "Ana", "Elena", "Katarzyna", "Sabine", "Julia", "Leyla", "Rojda", "Hevin", "Yasmin", "Arta", "Mihaela", "Tetiana", "Farida", "Samira", "Lina"],
  male: ["Ahmad", "Omar", "Karim", "Yusuf", "Farid", "Reza", "Hamid", "Ali", "Mehmet", "Murat", "Dmytro", "Sergej", "Andrij", "Tesfay", "Abdi", "Dragan", "Emir", "Ion", "Petar", "Tomasz", "Michael", "Thomas", "Serhat", "Baran", "Bashir", "Nasir", "Goran", "Arben", "Luca", "Kofi"],
  diverse: ["Alex", "Kim", "Sascha", "Robin"],
} as const;

export const LAST_NAMES = [
  "Haddad", "Khalil", "Nasser", "Mansour", "Rahimi", "Ahmadi", "Karimi", "Popal", "Stanekzai", "Yilmaz", "Demir", "Kaya", "Çelik", "Aydin",
  "Kovalenko", "Shevchenko", "Bondarenko", "Ivanova", "Petrov", "Tesfaye", "Gebremariam", "Hussein", "Warsame", "Hoxha", "Krasniqi", "Jovanović",
  "Hodžić", "Popescu", "Ionescu", "Dimitrov", "Nowak", "Kowalski", "Schmitz", "Müller", "Becker", "Hoffmann", "Wagner", "Zimmermann", "Nguyen",
  "Wang", "Papadopoulos", "Grigoryan", "Beridze", "Rossi", "Silva", "Khan", "Barzani", "Ahmed", "Osman", "Sultani",
];

export const TRAININGS = ["Grundkurs Sprachmittlung", "Rolle und Ethik im Dolmetschen", "Dolmetschen im Gesundheitswesen", "Traumasensibles Dolmetschen", "Datenschutz im Ehrenamt"];

/** German bank codes (BLZ) of banks in the region, for IBANs with a valid checksum. */
export const BANK_CODES = ["39550110", "39560201", "37040044", "37050198", "39050000"];
