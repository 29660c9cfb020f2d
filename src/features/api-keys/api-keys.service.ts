import type { Actor } from "../../auth/actor";
import { generateApiKey, hashApiKey, visiblePrefix } from "../../auth/api-key-secret";
import type { Database } from "../../db/database";
import type { ApiKey } from "../../generated/prisma/client";
import { ApiError, validationError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { afterCursor, isUuid, toPage, type Page } from "../../lib/pagination";
import type { RandomSource } from "../../lib/random";
import { organisationExists } from "../organisations/organisations.service";
import type { ApiKeyView, CreateApiKey, ListApiKeysQuery } from "./api-keys.schemas";

export function toApiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    organisationId: row.organisationId,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface ApiKeyServiceDeps {
  db: Database;
  random: RandomSource;
  clock: Clock;
  /**
   * How long an authenticated key is remembered in this process (0: never, the default). A key
   * revoked through this service is forgotten at once; one revoked elsewhere (another instance,
   * the command line) keeps working here for at most this long.
   */
  keyCacheMs?: number;
}

/** At most this many keys are remembered; beyond it the oldest entry goes. */
const KEY_CACHE_ENTRIES = 1_000;

/**
 * Remembers actors of valid keys by the key's hash (never the key itself) for `ttlMs`, so a
 * client's requests need no key lookup each. Only successful lookups are kept: an unknown key is
 * looked up every time, and a new key works at once.
 */
function createKeyCache(ttlMs: number) {
  const entries = new Map<string, { actor: Actor; until: number }>();
  // Counts revocations: a lookup that overlapped one is not remembered (it may have read the key before the revocation committed).
  let revocations = 0;
  return {
    revocations: () => revocations,
    get(hash: string): Actor | undefined {
      const entry = ttlMs > 0 ? entries.get(hash) : undefined;
      if (entry && entry.until > performance.now()) return entry.actor;
      if (entry) entries.delete(hash);
      return undefined;
    },
    /** Remembers `actor` unless a key was revoked since `revocationsBefore` was read. */
    set(hash: string, actor: Actor, revocationsBefore: number): void {
      if (ttlMs <= 0 || revocations !== revocationsBefore) return;
      if (entries.size >= KEY_CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(hash, { actor, until: performance.now() + ttlMs });
    },
    forget(keyId: string): void {
      revocations += 1;
      for (const [hash, entry] of entries) if (entry.actor.keyId === keyId) entries.delete(hash);
    },
  };
}

export function createApiKeyService({ db, random, clock, keyCacheMs = 0 }: ApiKeyServiceDeps) {
  const { prisma } = db;
  const cache = createKeyCache(keyCacheMs);

  async function insertKey(input: CreateApiKey, key: string, createdById: string | null) {
    const row = await prisma.apiKey.create({
      data: {
        name: input.name,
        role: input.role,
        organisationId: input.organisationId ?? null,
        keyHash: await hashApiKey(key),
        prefix: visiblePrefix(key),
        createdById,
      },
    });
    return { ...toApiKeyView(row), key };
  }

  return {
    /** The actor behind a key, or null when the key is unknown or revoked. */
    async authenticate(key: string): Promise<Actor | null> {
      const keyHash = await hashApiKey(key);
      const cached = cache.get(keyHash);
      if (cached) return cached;
      const revocationsBefore = cache.revocations();
      const row = await prisma.apiKey.findUnique({ where: { keyHash }, select: { id: true, role: true, organisationId: true, revokedAt: true } });
      if (!row || row.revokedAt) return null;
      const actor: Actor = { keyId: row.id, role: row.role, organisationId: row.organisationId };
      cache.set(keyHash, actor, revocationsBefore);
      return actor;
    },

    /** Creates a key; the answer carries the key itself, which is never shown again. */
    async create(input: CreateApiKey, createdBy: Actor | null): Promise<ApiKeyView & { key: string }> {
      if (input.role === "requester") {
        if (!input.organisationId) {
          throw validationError("A requester key belongs to one organisation: give organisationId.", [
            { path: ["organisationId"], message: "Required for role requester", code: "required", in: "body" },
          ]);
        }
        if (!(await organisationExists(db, input.organisationId))) {
          throw validationError(`No organisation with id ${input.organisationId}.`, [
            { path: ["organisationId"], message: "Unknown organisation", code: "unknown_reference", in: "body" },
          ]);
        }
      } else if (input.organisationId !== undefined) {
        throw validationError(`A ${input.role} key is not bound to an organisation: leave out organisationId.`, [
          { path: ["organisationId"], message: `Not allowed for role ${input.role}`, code: "not_allowed", in: "body" },
        ]);
      }
      return insertKey(input, generateApiKey(random), createdBy?.keyId ?? null);
    },

    async list(query: ListApiKeysQuery): Promise<Page<ApiKeyView>> {
      if (query.organisationId && !isUuid(query.organisationId)) return { items: [], nextCursor: null };
      const rows = await prisma.apiKey.findMany({
        where: {
          ...afterCursor(query.cursor),
          ...(query.includeRevoked ? {} : { revokedAt: null }),
          ...(query.role ? { role: query.role } : {}),
          ...(query.organisationId ? { organisationId: query.organisationId } : {}),
        },
        orderBy: { id: "asc" },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, toApiKeyView);
    },

    /**
     * Revokes a key at once. The last active coordinator key cannot be revoked, so the pool office
     * never locks itself out of the API.
     */
    async revoke(id: string): Promise<ApiKeyView> {
      // Forgotten before and after, so no lookup that overlapped the revocation is remembered.
      cache.forget(id);
      const revoked = await prisma.$transaction(async (tx) => {
        const row = isUuid(id) ? await tx.apiKey.findUnique({ where: { id } }) : null;
        if (!row) throw new ApiError("NOT_FOUND", `No API key with id ${id}.`);
        if (row.revokedAt) return toApiKeyView(row);
        if (row.role === "coordinator") {
          const others = await tx.apiKey.count({ where: { role: "coordinator", revokedAt: null, id: { not: id } } });
          if (others === 0) {
            throw new ApiError("CONFLICT", "This is the last active coordinator key; create another one before revoking it.");
          }
        }
        return toApiKeyView(await tx.apiKey.update({ where: { id }, data: { revokedAt: clock.now() } }));
      });
      cache.forget(id);
      return revoked;
    },

    /**
     * On a database without any key, creates the first coordinator key (`preset` if given, e.g.
     * BOOTSTRAP_API_KEY) and returns it; otherwise returns null. Run under the startup lock.
     */
    async bootstrap(preset?: string): Promise<string | null> {
      if ((await prisma.apiKey.count()) > 0) return null;
      const key = preset ?? generateApiKey(random);
      await insertKey({ name: "bootstrap coordinator key", role: "coordinator" }, key, null);
      return key;
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
