import type { Actor } from "../../auth/actor";
import { isStillReferenced, likeLiteral, type Database } from "../../db/database";
import type { Organisation, Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import { afterCursor, isUuid, toPage, type Page } from "../../lib/pagination";
import type {
  CreateOrganisation,
  ListOrganisationsQuery,
  OrganisationView,
  UpdateOrganisation,
} from "./organisations.schemas";

export function toOrganisationView(row: Organisation): OrganisationView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    municipality: row.municipality,
    costCentre: row.costCentre,
    address: row.street && row.postcode && row.city ? { street: row.street, postcode: row.postcode, city: row.city } : null,
    contactEmail: row.contactEmail,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function addressColumns(address: CreateOrganisation["address"]) {
  return address === undefined ? {} : { street: address?.street ?? null, postcode: address?.postcode ?? null, city: address?.city ?? null };
}

/** Requesters only ever see their own organisation; the others see all. */
function visibleTo(actor: Actor): Prisma.OrganisationWhereInput {
  return actor.role === "requester" ? { id: actor.organisationId ?? "" } : {};
}

export function createOrganisationService(db: Database) {
  const { prisma } = db;

  async function findVisible(actor: Actor, id: string): Promise<Organisation> {
    const row = isUuid(id) ? await prisma.organisation.findFirst({ where: { AND: [{ id }, visibleTo(actor)] } }) : null;
    if (!row) throw new ApiError("NOT_FOUND", `No organisation with id ${id}.`);
    return row;
  }

  return {
    async create(input: CreateOrganisation): Promise<OrganisationView> {
      const { address, ...rest } = input;
      const row = await prisma.organisation.create({ data: { ...rest, ...addressColumns(address) } });
      return toOrganisationView(row);
    },

    async list(actor: Actor, query: ListOrganisationsQuery): Promise<Page<OrganisationView>> {
      const rows = await prisma.organisation.findMany({
        where: {
          // AND, not spread: both restrict `id`, and the cursor must not replace the visibility rule.
          AND: [visibleTo(actor), afterCursor(query.cursor)],
          ...(query.active === undefined ? {} : { active: query.active }),
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.municipality ? { municipality: { equals: query.municipality, mode: "insensitive" } } : {}),
          ...(query.q ? { name: { contains: likeLiteral(query.q), mode: "insensitive" } } : {}),
        },
        orderBy: { id: "asc" },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, toOrganisationView);
    },

    async get(actor: Actor, id: string): Promise<OrganisationView> {
      return toOrganisationView(await findVisible(actor, id));
    },

    async update(actor: Actor, id: string, input: UpdateOrganisation): Promise<OrganisationView> {
      await findVisible(actor, id);
      const { address, ...rest } = input;
      const row = await prisma.organisation.update({ where: { id }, data: { ...rest, ...addressColumns(address) } });
      return toOrganisationView(row);
    },

    /** Removes an organisation nothing refers to; one with history (keys, bookings) is deactivated instead. */
    async remove(actor: Actor, id: string): Promise<void> {
      await findVisible(actor, id);
      try {
        await prisma.organisation.delete({ where: { id } });
      } catch (error) {
        if (isStillReferenced(error)) {
          throw new ApiError(
            "HAS_HISTORY",
            "This organisation has history (API keys or bookings) and cannot be deleted; deactivate it with PATCH {\"active\": false}.",
          );
        }
        throw error;
      }
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;

/** Checks that an organisation exists, for places that link to one (e.g. requester keys). */
export async function organisationExists(db: Database, id: string): Promise<boolean> {
  return isUuid(id) && (await db.prisma.organisation.count({ where: { id } })) > 0;
}
