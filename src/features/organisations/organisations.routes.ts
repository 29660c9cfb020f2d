import { IdParamSchema } from "../../lib/common-schemas";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import {
  CreateOrganisationSchema,
  ListOrganisationsQuerySchema,
  OrganisationPageSchema,
  OrganisationSchema,
  UpdateOrganisationSchema,
} from "./organisations.schemas";

const tags = ["Organisations"];

export const createOrganisationRoute = defineRoute({
  method: "post",
  path: "/v1/organisations",
  tags,
  summary: "Register a requesting organisation",
  roles: ["coordinator"],
  request: { body: jsonBody(CreateOrganisationSchema) },
  responses: { 201: jsonContent(OrganisationSchema, "The new organisation") },
});

export const listOrganisationsRoute = defineRoute({
  method: "get",
  path: "/v1/organisations",
  tags,
  summary: "List organisations",
  description: "Requester keys see only their own organisation.",
  roles: ["coordinator", "finance", "requester"],
  request: { query: ListOrganisationsQuerySchema },
  responses: { 200: jsonContent(OrganisationPageSchema, "A page of organisations") },
});

export const getOrganisationRoute = defineRoute({
  method: "get",
  path: "/v1/organisations/{id}",
  tags,
  summary: "Read an organisation",
  roles: ["coordinator", "finance", "requester"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(OrganisationSchema, "The organisation") },
});

export const updateOrganisationRoute = defineRoute({
  method: "patch",
  path: "/v1/organisations/{id}",
  tags,
  summary: "Change an organisation (set active=false to deactivate)",
  roles: ["coordinator"],
  request: { params: IdParamSchema, body: jsonBody(UpdateOrganisationSchema) },
  responses: { 200: jsonContent(OrganisationSchema, "The changed organisation") },
});

export const deleteOrganisationRoute = defineRoute({
  method: "delete",
  path: "/v1/organisations/{id}",
  tags,
  summary: "Delete an organisation without history",
  description: "An organisation with history (API keys, bookings) is kept; deactivate it instead (409 HAS_HISTORY).",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" } },
});
