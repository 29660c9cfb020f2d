import { z } from "@hono/zod-openapi";
import { canonicalLanguageCode } from "../../domain/languages";
import { normaliseIban } from "../../domain/iban";
import { normaliseMobileNumber } from "../../domain/phone";
import { PostcodeSchema, TimestampSchema, booleanQuery, isoDate, text } from "../../lib/common-schemas";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";

export const GENDERS = ["female", "male", "diverse"] as const;
export const QUALIFICATIONS = ["volunteer", "trained", "certified"] as const;
export const MODES = ["onsite", "phone", "video"] as const;
export const LEVELS = ["native", "fluent", "basic"] as const;

export const LanguageCodeSchema = z
  .string()
  .trim()
  .transform((code, ctx) => {
    const canonical = canonicalLanguageCode(code);
    if (!canonical) ctx.addIssue({ code: "custom", message: `'${code}' is not an ISO 639 language code` });
    return canonical ?? code;
  })
  .openapi({ type: "string", description: "ISO 639-1 or 639-3 code; stored as 639-1 where one exists", example: "ar" });

const DialectSchema = text(60).nullable().openapi({ example: "levantinisch" });

export const InterpreterLanguageSchema = z
  .strictObject({
    code: LanguageCodeSchema,
    dialect: DialectSchema.optional().transform((dialect) => dialect ?? null),
    level: z.enum(LEVELS).openapi({ example: "native" }),
  })
  .openapi("InterpreterLanguage");

const PhoneSchema = z
  .string()
  .max(40)
  .transform((phone, ctx) => {
    const result = normaliseMobileNumber(phone);
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.message });
    return result.ok ? result.e164 : phone;
  })
  .openapi({ type: "string", description: "Mobile number; German national format is accepted", example: "0151 23456789" });

const IbanSchema = z
  .string()
  .max(50)
  .transform((iban, ctx) => {
    const normalised = normaliseIban(iban);
    if (!normalised) ctx.addIssue({ code: "custom", message: "Not a valid IBAN (checksum or format)" });
    return normalised ?? iban;
  })
  .openapi({ type: "string", example: "DE89 3704 0044 0532 0130 00" });

export const TrainingSchema = z
  .strictObject({
    title: text(200).openapi({ example: "Grundlagen des Dolmetschens im Gemeinwesen" }),
    date: isoDate().openapi({ example: "2026-03-14" }),
  })
  .openapi("Training");

const languagesList = z
  .array(InterpreterLanguageSchema)
  .min(1, "At least one language")
  .max(20)
  .superRefine((languages, ctx) => {
    const seen = new Set<string>();
    languages.forEach((language, index) => {
      const key = `${language.code}|${(language.dialect ?? "").toLowerCase()}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index], message: "Language and dialect listed twice" });
      seen.add(key);
    });
  });

const editable = {
  name: text(200).openapi({ example: "Amina Haddad" }),
  phone: PhoneSchema,
  email: z.email().max(200).nullable(),
  languages: languagesList,
  gender: z.enum(GENDERS).nullable(),
  qualification: z.enum(QUALIFICATIONS),
  trainings: z.array(TrainingSchema).max(100),
  modes: z
    .array(z.enum(MODES))
    .min(1, "At least one mode")
    .transform((modes) => [...new Set(modes)]),
  homePostcode: PostcodeSchema.nullable(),
  maxTravelKm: z.number().int().min(0).max(1000).nullable(),
  maxAssignmentsPerMonth: z.number().int().min(1).max(200).nullable(),
  iban: IbanSchema.nullable(),
  smsConsent: z.boolean().openapi({ description: "Agreed to be contacted by SMS; the time of consent is kept" }),
  active: z.boolean(),
};

export const CreateInterpreterSchema = z
  .strictObject({
    name: editable.name,
    phone: editable.phone,
    email: editable.email.optional(),
    languages: editable.languages,
    gender: editable.gender.optional(),
    qualification: editable.qualification.default("volunteer"),
    trainings: editable.trainings.default([]),
    modes: editable.modes.default(["onsite"]),
    homePostcode: editable.homePostcode.optional(),
    maxTravelKm: editable.maxTravelKm.optional(),
    maxAssignmentsPerMonth: editable.maxAssignmentsPerMonth.optional(),
    iban: editable.iban.optional(),
    smsConsent: editable.smsConsent.default(false),
    active: editable.active.default(true),
  })
  .openapi("CreateInterpreter");

export const UpdateInterpreterSchema = z.strictObject(editable).partial().openapi("UpdateInterpreter");

export const InterpreterSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().optional().openapi({ description: "E.164; hidden from requester keys", example: "+4915123456789" }),
    email: z.string().nullable(),
    languages: z.array(z.object({ code: z.string(), dialect: z.string().nullable(), level: z.enum(LEVELS) })),
    gender: z.enum(GENDERS).nullable(),
    qualification: z.enum(QUALIFICATIONS),
    trainings: z.array(z.object({ title: z.string(), date: z.string() })),
    modes: z.array(z.enum(MODES)),
    homePostcode: z.string().nullable(),
    maxTravelKm: z.number().int().nullable(),
    maxAssignmentsPerMonth: z.number().int().nullable(),
    iban: z.string().nullable().optional().openapi({ description: "Only for coordinator and finance keys" }),
    smsConsent: z.boolean(),
    smsConsentAt: TimestampSchema.nullable(),
    smsOptOutAt: TimestampSchema.nullable().openapi({ description: "Set while the number has opted out by SMS (STOP); START clears it" }),
    active: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .openapi("Interpreter");

export const ListInterpretersQuerySchema = PageQuerySchema.extend({
  language: LanguageCodeSchema.optional(),
  dialect: z.string().max(60).optional().openapi({ description: "With `language`: this dialect (any case)" }),
  qualification: z.enum(QUALIFICATIONS).optional(),
  mode: z.enum(MODES).optional(),
  active: booleanQuery.optional(),
  q: z.string().max(100).optional().openapi({ description: "Part of the name, any case" }),
});

export const InterpreterPageSchema = pageSchema(InterpreterSchema, "InterpreterPage");

export type CreateInterpreter = z.infer<typeof CreateInterpreterSchema>;
export type UpdateInterpreter = z.infer<typeof UpdateInterpreterSchema>;
export type InterpreterView = z.infer<typeof InterpreterSchema>;
export type ListInterpretersQuery = z.infer<typeof ListInterpretersQuerySchema>;
