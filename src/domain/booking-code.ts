import type { RandomSource } from "../lib/random";

/**
 * A numeric job code for SMS replies ("JA 4711"): 4 digits while few are taken, longer after
 * a second collision (the caller retries on a clash with an active booking's code). Two tries per
 * length keep codes short while at most a third of the 9,000 four-digit codes are active (a clash
 * twice in a row then happens to fewer than one booking in nine); an installation with many
 * thousands of active jobs gets five digits after two tries instead of after five (each try is
 * a statement: at 3,000 active jobs the old five tries per length cost 3.1 statements per booking).
 *
 * @example
 * bookingCode(cryptoRandom, 0); // "4711"
 * bookingCode(cryptoRandom, 2); // "58213"
 */
export function bookingCode(random: RandomSource, attempt: number): string {
  const digits = attempt < 2 ? 4 : attempt < 4 ? 5 : 6;
  const low = 10 ** (digits - 1);
  const span = 9 * low;
  const bytes = random.bytes(4);
  const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return String(low + (value % span));
}
