import { z } from "@hono/zod-openapi";
import { AddressSchema, TimestampSchema, booleanQuery, text } from "../../lib/common-schemas";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";

export const ORGANISATION_KINDS = ["authority", "school", "kindergarten", "clinic", "counselling", "other"] as const;

const fields = {
  name: text(200).openapi({ example: "Jobcenter Düren" }),
  kind: z.enum(ORGANISATION_KINDS).openapi({ example: "authority" }),
  municipality: text(100).openapi({ example: "Düren" }),
  costCentre: text(50).nullable().openapi({ description: "Kostenstelle for finance exports", example: "KST-4711" }),
  address: AddressSchema.nullable(),
  contactEmail: z.email().max(200).nullable().openapi({ example: "integration@jobcenter-dueren.de" }),
  active: z.boolean(),
};

export const CreateOrganisationSchema = z
  .strictObject({
    name: fields.name,
    kind: fields.kind,
    municipality: fields.municipality,
    costCentre: fields.costCentre.optional(),
    address: fields.address.optional(),
    contactEmail: fields.contactEmail.optional(),
    active: fields.active.default(true),
  })
  .openapi("CreateOrganisation");

export const UpdateOrganisationSchema = z
  .strictObject({
    name: fields.name,
    kind: fields.kind,
    municipality: fields.municipality,
    costCentre: fields.costCentre,
    address: fields.address,
    contactEmail: fields.contactEmail,
    active: fields.active,
  })
  .partial()
  .openapi("UpdateOrganisation");

export const OrganisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: fields.kind,
    municipality: z.string(),
    costCentre: z.string().nullable(),
    address: AddressSchema.nullable(),
    contactEmail: z.string().nullable(),
    active: z.boolean(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .openapi("Organisation");

export const ListOrganisationsQuerySchema = PageQuerySchema.extend({
  active: booleanQuery.optional(),
  kind: fields.kind.optional(),
  municipality: z.string().max(100).optional(),
  q: z.string().max(100).optional().openapi({ description: "Part of the name, any case" }),
});

export const OrganisationPageSchema = pageSchema(OrganisationSchema, "OrganisationPage");

export type CreateOrganisation = z.infer<typeof CreateOrganisationSchema>;
export type UpdateOrganisation = z.infer<typeof UpdateOrganisationSchema>;
export type OrganisationView = z.infer<typeof OrganisationSchema>;
export type ListOrganisationsQuery = z.infer<typeof ListOrganisationsQuerySchema>;
