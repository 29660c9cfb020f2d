import { z } from "@hono/zod-openapi";
import { ROLES } from "../../auth/actor";
import { TimestampSchema, text } from "../../lib/common-schemas";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";

export const CreateApiKeySchema = z
  .strictObject({
    name: text(100).openapi({ example: "Jobcenter Düren – Frau Schmitz" }),
    role: z.enum(ROLES).openapi({ example: "requester" }),
    organisationId: z
      .string()
      .optional()
      .openapi({ description: "Required for requester keys, not allowed for the others" }),
  })
  .openapi("CreateApiKey");

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    organisationId: z.string().nullable(),
    prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart", example: "dp_Jq3vX2" }),
    createdAt: TimestampSchema,
    revokedAt: TimestampSchema.nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself. Shown only this once: store it now.", example: "dp_Jq3vX2…" }),
}).openapi("CreatedApiKey");

export const ListApiKeysQuerySchema = PageQuerySchema.extend({
  role: z.enum(ROLES).optional(),
  organisationId: z.string().max(100).optional(),
  includeRevoked: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});

export const ApiKeyPageSchema = pageSchema(ApiKeySchema, "ApiKeyPage");

export type CreateApiKey = z.infer<typeof CreateApiKeySchema>;
export type ApiKeyView = z.infer<typeof ApiKeySchema>;
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>;
