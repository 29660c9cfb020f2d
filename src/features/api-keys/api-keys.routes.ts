import { IdParamSchema } from "../../lib/common-schemas";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { ApiKeyPageSchema, ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema, ListApiKeysQuerySchema } from "./api-keys.schemas";

const tags = ["API keys"];
const roles = ["coordinator"] as const;

export const createApiKeyRoute = defineRoute({
  method: "post",
  path: "/v1/api-keys",
  tags,
  summary: "Create an API key",
  description: "The answer contains `key`, shown only once; only its hash is stored.",
  roles,
  request: { body: jsonBody(CreateApiKeySchema) },
  responses: { 201: jsonContent(CreatedApiKeySchema, "The new key") },
});

export const listApiKeysRoute = defineRoute({
  method: "get",
  path: "/v1/api-keys",
  tags,
  summary: "List API keys (without the keys themselves)",
  roles,
  request: { query: ListApiKeysQuerySchema },
  responses: { 200: jsonContent(ApiKeyPageSchema, "A page of keys") },
});

export const revokeApiKeyRoute = defineRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  tags,
  summary: "Revoke an API key",
  description: "The key is refused from the next request on. The last active coordinator key cannot be revoked (409).",
  roles,
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(ApiKeySchema, "The revoked key") },
});
