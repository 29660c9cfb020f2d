/** Source of secrets and codes, injected so tests can make them predictable. */
export interface RandomSource {
  /** `length` cryptographically random bytes. */
  bytes(length: number): Uint8Array;
}

export const cryptoRandom: RandomSource = {
  bytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
};

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
