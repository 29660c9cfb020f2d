import { randomBytes } from "./random";

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Bytes as lower-case hex. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  let hex = "";
  for (const byte of bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) hex += HEX[byte]!;
  return hex;
}

type NodeHash = { update(text: string): { digest(encoding: "hex"): string } };
type NodeCrypto = { createHash(algorithm: string): NodeHash };

// On Node, node:crypto hashes synchronously in a few microseconds; Web Crypto's digest goes
// through a thread pool and a promise (~0.1 ms, paid by every request for its API key). Workers
// keep Web Crypto. `getBuiltinModule` avoids a static import of a Node module in shared code.
const nodeCrypto: NodeCrypto | undefined =
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === "Cloudflare-Workers"
    ? undefined
    : ((globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined);

/**
 * SHA-256 of a text (UTF-8), hex: node:crypto on Node, Web Crypto elsewhere (Workers).
 *
 * @example
 * await sha256Hex("abc"); // "ba7816bf…"
 */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(text).digest("hex");
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

let lastMillis = 0;
let sequence = 0;

/**
 * A UUIDv7 like the ids Prisma makes (`@default(uuid(7))`), for rows written with raw SQL: the
 * first 48 bits are the time in milliseconds, the next 12 a counter, so ids made by one process
 * sort in the order they were made even within a millisecond (history entries of one instant
 * are listed by id).
 *
 * @example
 * uuidV7(); // "019aa6b2-61c4-7a3e-9c1d-5b0e4f7a2c18"
 */
export function uuidV7(now = Date.now()): string {
  const bytes = randomBytes(16);
  if (now > lastMillis) {
    lastMillis = now;
    sequence = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
  } else if (++sequence > 0xfff) {
    lastMillis += 1;
    sequence = 0;
  }
  let time = lastMillis;
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A UUIDv7 made in SQL, for statements that insert a number of rows the caller does not know
 * (INSERT … SELECT): the real time in milliseconds in the first 48 bits (as in `uuidV7`), the
 * version nibble 7, the rest random.
 */
export const UUID_V7_SQL =
  "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid";

/** Escapes text for XML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
