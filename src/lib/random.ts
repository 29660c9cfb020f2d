/** Source of secrets and codes, injected so tests can make them predictable. */
export interface RandomSource {
  /** `length` cryptographically random bytes. */
  bytes(length: number): Uint8Array;
}

// Random bytes fetched 4 KiB at a time: one getRandomValues call costs about as much as the rest
// of an id or a booking code (1.8 % of the server's CPU in the SMS benchmark when every id made
// its own call), most of it the call itself, not the bytes. Node's own randomUUID caches too.
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * `length` fresh cryptographically random bytes, copied out of a pool that is refilled when used
 * up; bytes are never handed out twice. Longer requests bypass the pool.
 *
 * @example
 * randomBytes(16); // Uint8Array(16) [ … ]
 */
export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES / 4) return crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > POOL_BYTES) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.slice(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

export const cryptoRandom: RandomSource = { bytes: randomBytes };

/** Base64url without padding: safe in URLs, headers and shells. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A deterministic source for tests: counts up from `seed`. */
export function sequentialRandom(seed = 1): RandomSource {
  let next = seed;
  return {
    bytes: (length) => Uint8Array.from({ length }, () => next++ % 256),
  };
}
