import { z } from "@hono/zod-openapi";

export const IdParamSchema = z.object({
  id: z.string().max(100).openapi({ param: { name: "id", in: "path" }, example: "01936c1e-7a4b-7c3d-9f2e-0a1b2c3d4e5f" }),
});

export const TimestampSchema = z.string().openapi({ format: "date-time", example: "2026-11-21T08:30:00.000Z" });

/** PostgreSQL has no year 0: its first date is 0001-01-01 and its first instant 0001-01-01T00:00:00Z. */
const FIRST_INSTANT = Date.parse("0001-01-01T00:00:00Z");
const FROM_YEAR_ONE = "Years start at 0001 (there is no year 0)";

/** An ISO 8601 date (YYYY-MM-DD) the database can store. */
export const isoDate = () => z.iso.date().refine((value) => value >= "0001-01-01", FROM_YEAR_ONE);

/** An ISO 8601 date and time with `Z` or an offset, at an instant the database can store. */
export const isoDateTime = (message?: string) =>
  z.iso.datetime({ offset: true, ...(message ? { message } : {}) }).refine((value) => Date.parse(value) >= FIRST_INSTANT, FROM_YEAR_ONE);

/** Free text with a length limit and surrounding white space removed; empty is refused. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/** Query flags written as true/false (or 1/0). */
export const booleanQuery = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

export const PostcodeSchema = z
  .string()
  .trim()
  .regex(/^\d{5}$/, "A German postcode has five digits")
  .openapi({ example: "52351" });

export const AddressSchema = z
  .strictObject({
    street: text(200).openapi({ example: "Bismarckstr. 10" }),
    postcode: PostcodeSchema,
    city: text(100).openapi({ example: "Düren" }),
  })
  .openapi("Address");
