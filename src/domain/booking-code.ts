import type { RandomSource } from "../lib/random";

/**
 * A numeric job code for SMS replies ("JA 4711"): 4 digits while few are taken, longer after
 * repeated collisions (the caller retries on a clash with an active booking's code).
 *
 * @example
 * bookingCode(cryptoRandom, 0); // "4711"
 * bookingCode(cryptoRandom, 6); // "58213"
 */
export function bookingCode(random: RandomSource, attempt: number): string {
  const digits = attempt < 5 ? 4 : attempt < 10 ? 5 : 6;
  const low = 10 ** (digits - 1);
  const span = 9 * low;
  const bytes = random.bytes(4);
  const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return String(low + (value % span));
}
