import { sha256Hex } from "../lib/encoding";
import { toBase64Url, type RandomSource } from "../lib/random";

/** Keys look like `dp_<43 base64url chars>`: 256 random bits, recognisable in configs and logs scans. */
export const API_KEY_PREFIX = "dp_";
const KEY_BYTES = 32;
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

/**
 * Makes a new API key from 256 random bits.
 *
 * @example
 * generateApiKey(cryptoRandom); // "dp_Jq3v…"
 */
export function generateApiKey(random: RandomSource): string {
  return API_KEY_PREFIX + toBase64Url(random.bytes(KEY_BYTES));
}

/** SHA-256 of the key, hex. Keys carry ≥128 random bits, so a fast unsalted hash is enough. */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** The part of a key that may be shown again later, so people can tell their keys apart. */
export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_PREFIX_LENGTH);
}
