import type { Role } from "../generated/prisma/enums";

/** Who is making a request: the API key's identity and what it may see. */
export interface Actor {
  keyId: string;
  role: Role;
  /** Set for requester keys: the only organisation they may act for. */
  organisationId: string | null;
}

export const ROLES = ["coordinator", "requester", "finance"] as const satisfies readonly Role[];

/** Coordinators and finance see interpreters' contact and bank data; requesters never do. */
export function canSeeInterpreterContactData(actor: Actor): boolean {
  return actor.role === "coordinator" || actor.role === "finance";
}
