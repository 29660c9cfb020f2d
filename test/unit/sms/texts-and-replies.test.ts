import { describe, expect, it } from "vitest";
import { chooseOffer, parseSmsReply, type SmsReply } from "../../../src/domain/sms-reply";
import { countSegments, toGsmFriendly } from "../../../src/domain/sms-segments";
import { MAX_SEGMENTS, smsTexts, type JobText } from "../../../src/domain/sms-texts";

describe("parseSmsReply", () => {
  const variants: [string, SmsReply][] = [
    ["JA 4711", { kind: "accept", code: "4711" }],
    ["ja4711", { kind: "accept", code: "4711" }],
    ["Ja, 4711", { kind: "accept", code: "4711" }],
    ["YES 4711", { kind: "accept", code: "4711" }],
    ["  ja   4711 ", { kind: "accept", code: "4711" }],
    ["Ja gerne 4711", { kind: "accept", code: "4711" }],
    ["JA4711!", { kind: "accept", code: "4711" }],
    ["ja", { kind: "accept", code: null }],
    ["Ja.", { kind: "accept", code: null }],
    ["JA 123456", { kind: "accept", code: "123456" }],
    ["NEIN 4711", { kind: "decline", code: "4711" }],
    ["NO 4711", { kind: "decline", code: "4711" }],
    ["nein", { kind: "decline", code: null }],
    ["Nein, danke 4711", { kind: "decline", code: "4711" }],
    ["ABSAGE 4711", { kind: "withdraw", code: "4711" }],
    ["absage", { kind: "withdraw", code: null }],
    ["STOP", { kind: "opt_out" }],
    ["Stopp", { kind: "opt_out" }],
    ["ABMELDEN", { kind: "opt_out" }],
    ["UNSUBSCRIBE", { kind: "opt_out" }],
    ["stop.", { kind: "opt_out" }],
    ["START", { kind: "opt_in" }],
    ["ANMELDEN", { kind: "opt_in" }],
    ["hilfe", { kind: "help" }],
    ["HELP", { kind: "help" }],
    ["?", { kind: "help" }],
    ["hallo", { kind: "unknown" }],
    ["", { kind: "unknown" }],
    ["   ", { kind: "unknown" }],
    ["4711", { kind: "unknown" }],
    // Only a message of just the opt-out word opts out: this is not a STOP.
    ["Stopp 4711", { kind: "unknown" }],
    // Two digits are no job code (codes have 4–6 digits): a yes without a code.
    ["JA 47", { kind: "accept", code: "47" }],
    ["JA 1234567", { kind: "accept", code: "1234567" }],
    // The first code counts.
    ["JA 4711 4712", { kind: "accept", code: "4711" }],
  ];

  it.each(variants)("reads %j", (text, expected) => {
    expect(parseSmsReply(text)).toEqual(expected);
  });

  it("ignores full-width digits and letters (NFKC) and line breaks", () => {
    expect(parseSmsReply("ＪＡ ４７１１")).toEqual({ kind: "accept", code: "4711" });
    expect(parseSmsReply("Ja\n4711\n")).toEqual({ kind: "accept", code: "4711" });
  });
});

describe("chooseOffer", () => {
  const codeOf = (offer: { code: string }) => offer.code;
  const a = { code: "4711" };
  const b = { code: "4712" };

  it("takes the pending offer with the code, whatever else is pending", () => {
    expect(chooseOffer([a, b], "4712", codeOf)).toEqual({ kind: "offer", offer: b });
    expect(chooseOffer([a], "4711", codeOf)).toEqual({ kind: "offer", offer: a });
  });

  it("takes the only pending offer when no code is given", () => {
    expect(chooseOffer([a], null, codeOf)).toEqual({ kind: "offer", offer: a });
  });

  it("asks for the code when several are pending and none is given", () => {
    expect(chooseOffer([a, b], null, codeOf)).toEqual({ kind: "ask_for_code", codes: ["4711", "4712"] });
  });

  it("says none is open, or that a code is not pending (even when another is)", () => {
    expect(chooseOffer([], null, codeOf)).toEqual({ kind: "none_open" });
    expect(chooseOffer([], "4711", codeOf)).toEqual({ kind: "not_pending", code: "4711" });
    expect(chooseOffer([a], "47", codeOf)).toEqual({ kind: "not_pending", code: "47" });
  });
});

describe("countSegments", () => {
  it("counts GSM-7 texts: 160 units in one segment, 153 per segment when split", () => {
    expect(countSegments("")).toEqual({ encoding: "GSM-7", units: 0, segments: 1 });
    expect(countSegments("Zusage: JA 4711")).toEqual({ encoding: "GSM-7", units: 15, segments: 1 });
    expect(countSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSegments("a".repeat(306))).toEqual({ encoding: "GSM-7", units: 306, segments: 2 });
    expect(countSegments("a".repeat(307))).toEqual({ encoding: "GSM-7", units: 307, segments: 3 });
    expect(countSegments("a".repeat(459))).toEqual({ encoding: "GSM-7", units: 459, segments: 3 });
  });

  it("counts characters of the extension table twice", () => {
    expect(countSegments("€")).toEqual({ encoding: "GSM-7", units: 2, segments: 1 });
    expect(countSegments("[]{}\\^~|€")).toEqual({ encoding: "GSM-7", units: 18, segments: 1 });
    expect(countSegments(`${"a".repeat(159)}€`)).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSegments(`${"a".repeat(158)}€`)).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
  });

  it("keeps German umlauts and ß in GSM-7", () => {
    const german = "Bestätigt: Düren, Größe, Übergabe, Ärztehaus, Ölmühle, Straße §5";
    expect(countSegments(german)).toEqual({ encoding: "GSM-7", units: [...german].length, segments: 1 });
  });

  it("switches to UCS-2 for an emoji or an en dash: 70 units in one segment, 67 per segment when split", () => {
    expect(countSegments("Termin – 10:00")).toEqual({ encoding: "UCS-2", units: 14, segments: 1 });
    // An emoji is two UTF-16 code units.
    expect(countSegments(`${"a".repeat(68)}🙂`)).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(countSegments(`${"a".repeat(69)}🙂`)).toEqual({ encoding: "UCS-2", units: 71, segments: 2 });
    expect(countSegments(`${"a".repeat(133)}–`)).toEqual({ encoding: "UCS-2", units: 134, segments: 2 });
    expect(countSegments(`${"a".repeat(134)}–`)).toEqual({ encoding: "UCS-2", units: 135, segments: 3 });
  });
});

describe("toGsmFriendly", () => {
  it("replaces dashes, typographic quotes, ellipses and special spaces with GSM characters", () => {
    const text = toGsmFriendly("„Haus der Familie“ – ‚Raum‘ 2…3\u00a0OG — »Eingang B« ‹Hof›");
    expect(text).toBe("\"Haus der Familie\" - 'Raum' 2...3 OG - \"Eingang B\" 'Hof'");
    expect(countSegments(text).encoding).toBe("GSM-7");
  });

  it("keeps GSM characters (umlauts, ß, é, ñ, Ç) as they are", () => {
    const text = "Müller-Lüdenscheidt, Straße, Café, España, Çelik, Øresund, Ångström";
    expect(toGsmFriendly(text)).toBe(text);
  });

  it("folds accented letters outside the GSM alphabet (Turkish, Polish, Czech names) to their base letters", () => {
    const text = toGsmFriendly("Frau Yılmaz, Herr Şahin, Ayşe Doğan, İnce, Łukasz Wałęsa, Dvořák, Guaraní, Côte");
    expect(text).toBe("Frau Yilmaz, Herr Sahin, Ayse Dogan, Ince, Lukasz Walesa, Dvorak, Guarani, Cote");
    expect(countSegments(text).encoding).toBe("GSM-7");
  });

  it("composes decomposed umlauts instead of sending combining marks", () => {
    const decomposed = "Du\u0308ren";
    expect(toGsmFriendly(decomposed)).toBe("Düren");
  });
});

describe("smsTexts", () => {
  // Mi 25.11.2026, 09:30–10:30 in Düren (UTC+1 in November).
  const job: JobText = {
    code: "4711",
    language: "ar",
    dialect: null,
    startsAt: new Date("2026-11-25T08:30:00Z"),
    endsAt: new Date("2026-11-25T09:30:00Z"),
    mode: "onsite",
    organisationName: "Jobcenter",
    street: "Bismarckstr. 10",
    postcode: "52351",
    city: "Düren",
    room: null,
    setting: null,
    sensitive: false,
    contactName: null,
    contactPhone: null,
  };

  const long = (word: string, length = 200) => `${word} `.repeat(Math.ceil(length / (word.length + 1))).slice(0, length).trim();
  // The longest values the API takes (and longer), with umlauts and ß.
  const huge: JobText = {
    ...job,
    dialect: long("Levantinisch-Syrisch"),
    organisationName: long("Städtisches Sozialamt für Grundsicherung"),
    street: long("Großer Bürgermeister-Müller-Straße"),
    city: long("Düren-Gürzenich"),
    room: long("Besprechungsraum Süd"),
    setting: long("Gespräch über Schulübergang"),
    contactName: long("Frau Dr. Müller-Lüdenscheidt"),
    contactPhone: "+49 2421 123-456",
  };
  const jobs: [string, JobText][] = [
    ["a normal job", job],
    ["a job with every field at its longest", huge],
    ["a sensitive job with every field at its longest", { ...huge, sensitive: true }],
    ["a phone job with every field at its longest", { ...huge, mode: "phone", street: null, postcode: null, city: null, room: null }],
    ["a video job with every field at its longest", { ...huge, mode: "video", sensitive: true }],
    ["a job ending the next day", { ...huge, startsAt: new Date("2026-11-25T21:00:00Z"), endsAt: new Date("2026-11-26T01:00:00Z") }],
    [
      "a job with names from outside the GSM alphabet",
      {
        ...huge,
        dialect: "Kurmancî",
        organisationName: `„Haus der Familie“ – Beratungsstelle Gülşen ${long("Öztürk", 150)}`,
        contactName: `Frau Ayşe Yılmaz ${long("Doğan", 180)}`,
        setting: `Gespräch „Übergang“ – Klasse 5…7 ${long("Łukasz", 150)}`,
      },
    ],
  ];

  const allTexts = (subject: JobText): [string, string][] => [
    ["offer", smsTexts.offer(subject)],
    ["confirmation", smsTexts.confirmation(subject)],
    ["reminder", smsTexts.reminder(subject)],
    ["cancelled", smsTexts.cancelled(subject)],
    ["changed", smsTexts.changed(subject)],
    ["alreadyTaken", smsTexts.alreadyTaken(subject.code)],
    ["withdrawn", smsTexts.withdrawn(subject.code)],
    ["declined", smsTexts.declined(subject.code)],
    ["expired", smsTexts.expired(subject.code)],
    ["notFree", smsTexts.notFree(subject.code, "123456")],
    ["notAvailable", smsTexts.notAvailable(subject.code)],
    ["unknownCode", smsTexts.unknownCode(subject.code)],
    ["askForCode", smsTexts.askForCode(["4711", "123456", "4713", "4714", "4715", "4716", "4717", "4718"])],
    ["noOpenOffer", smsTexts.noOpenOffer()],
    ["withdrawalReceived", smsTexts.withdrawalReceived(subject.code)],
    ["notAssigned", smsTexts.notAssigned(subject.code)],
    ["help", smsTexts.help()],
    ["unknownNumber", smsTexts.unknownNumber()],
    ["optedOut", smsTexts.optedOut()],
    ["optedIn", smsTexts.optedIn()],
  ];

  describe.each(jobs)("for %s", (_name, subject) => {
    it.each(allTexts(subject))("%s is GSM-7 and at most two segments", (_template, text) => {
      const count = countSegments(text);
      expect(count.encoding, text).toBe("GSM-7");
      expect(count.segments, text).toBeLessThanOrEqual(MAX_SEGMENTS);
      expect(MAX_SEGMENTS).toBe(2);
    });
  });

  it("writes the offer in exactly this format", () => {
    expect(smsTexts.offer(job)).toBe(
      "Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren. Zusage: JA 4711 - Absage: NEIN 4711",
    );
  });

  it("names the dialect and the room in the offer", () => {
    expect(smsTexts.offer({ ...job, dialect: "levantinisch", room: "2.14" })).toBe(
      "Dolmetscheinsatz 4711: Arabisch (levantinisch), Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren, Raum 2.14. Zusage: JA 4711 - Absage: NEIN 4711",
    );
  });

  it("shows no place, room, setting or organisation in the offer for a sensitive on-site job", () => {
    const sensitive: JobText = {
      ...job,
      sensitive: true,
      organisationName: "Frauenberatungsstelle Lichtblick",
      street: "Kölnstraße 42",
      postcode: "52351",
      city: "Düren",
      room: "Schutzraum 3",
      setting: "Beratung nach häuslicher Gewalt",
      contactName: "Frau Schmitz",
    };
    const text = smsTexts.offer(sensitive);
    expect(text).toBe("Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Ort nach Zusage. Zusage: JA 4711 - Absage: NEIN 4711");
    for (const secret of ["Frauenberatungsstelle", "Lichtblick", "Kölnstraße", "52351", "Düren", "Schutzraum", "Raum", "Beratung", "Gewalt", "Schmitz"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("keeps a long dialect of a sensitive job from leaking the place when shortened", () => {
    const text = smsTexts.offer({ ...huge, sensitive: true });
    expect(text).toContain("Ort nach Zusage");
    expect(text).toMatch(/^Dolmetscheinsatz 4711: Arabisch \(Levantinisch-Syrisch/);
    expect(text).toMatch(/ Zusage: JA 4711 - Absage: NEIN 4711$/);
    for (const secret of ["Sozialamt", "Bürgermeister", "Gürzenich", "Besprechungsraum", "Schulübergang", "Müller"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("says Telefon or Video instead of an address for remote jobs", () => {
    const phone = smsTexts.offer({ ...job, mode: "phone", street: null, postcode: null, city: null });
    expect(phone).toBe("Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Telefon, Jobcenter. Zusage: JA 4711 - Absage: NEIN 4711");
    const video = smsTexts.offer({ ...job, mode: "video" });
    expect(video).toBe("Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Video, Jobcenter. Zusage: JA 4711 - Absage: NEIN 4711");
    expect(video).not.toContain("Bismarckstr");
    expect(smsTexts.offer({ ...job, mode: "phone", sensitive: true })).toBe(
      "Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Telefon. Zusage: JA 4711 - Absage: NEIN 4711",
    );
    expect(smsTexts.confirmation({ ...job, mode: "video" })).toContain("Video, Jobcenter");
  });

  it("gives the place, room, setting and contact in the confirmation", () => {
    const text = smsTexts.confirmation({
      ...job,
      room: "2.14",
      setting: "Elterngespräch",
      contactName: "Frau Schmitz",
      contactPhone: "02421 123-456",
    });
    expect(text).toBe(
      "Bestätigt: Einsatz 4711, Arabisch, Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren, Raum 2.14 (Elterngespräch). Kontakt: Frau Schmitz 02421 123-456. Absagen mit ABSAGE 4711",
    );
  });

  it("gives the place of a sensitive job in the confirmation and the reminder (after the yes)", () => {
    const sensitive = { ...job, sensitive: true, room: "3", setting: "Beratung" };
    expect(smsTexts.confirmation(sensitive)).toContain("Jobcenter, Bismarckstr. 10, 52351 Düren, Raum 3 (Beratung)");
    expect(smsTexts.reminder(sensitive)).toBe(
      "Erinnerung: Einsatz 4711, Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren, Raum 3. Absagen mit ABSAGE 4711",
    );
  });

  it("keeps the contact phone number whole and the street readable when long names are shortened", () => {
    const text = smsTexts.confirmation(huge);
    expect(text).toContain("+49 2421 123-456");
    expect(text).toContain("Großer Bürgermeister");
    expect(text).toContain("Frau Dr. Müller");
    expect(text).toMatch(/^Bestätigt: Einsatz 4711, Arabisch \(Levantinisch/);
    expect(text).toMatch(/ Absagen mit ABSAGE 4711$/);
  });

  it("writes the reminder, the change and the cancellation", () => {
    expect(smsTexts.reminder(job)).toBe(
      "Erinnerung: Einsatz 4711, Arabisch, Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren. Absagen mit ABSAGE 4711",
    );
    expect(smsTexts.changed(job)).toBe(
      "Geändert: Einsatz 4711 ist jetzt Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren. Passt es nicht: ABSAGE 4711",
    );
    expect(smsTexts.cancelled(job)).toBe("Einsatz 4711 am Mi 25.11. 09:30-10:30 ist abgesagt. Sie müssen nicht kommen. Danke!");
  });

  it("shows times in Europe/Berlin: +1 h in winter, +2 h in summer", () => {
    const summer = { ...job, startsAt: new Date("2026-07-15T08:30:00Z"), endsAt: new Date("2026-07-15T09:30:00Z") };
    expect(smsTexts.offer(summer)).toContain("Mi 15.07. 10:30-11:30,");
    expect(smsTexts.offer(job)).toContain("Mi 25.11. 09:30-10:30,");
    // Across midnight the end carries its date.
    const late = { ...job, startsAt: new Date("2026-07-15T20:00:00Z"), endsAt: new Date("2026-07-15T23:00:00Z") };
    expect(smsTexts.cancelled(late)).toContain("Mi 15.07. 22:00-16.07. 01:00");
  });
});
