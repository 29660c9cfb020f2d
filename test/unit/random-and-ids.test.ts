import { describe, expect, it } from "vitest";
import { toHex, uuidV7 } from "../../src/lib/encoding";
import { cryptoRandom, randomBytes } from "../../src/lib/random";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidV7", () => {
  it("has version 7, the RFC 9562 variant and the time in milliseconds in its first 48 bits", () => {
    const now = Date.UTC(2031, 4, 6, 7, 8, 9, 123);
    const id = uuidV7(now);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(now);
  });

  it("sorts in the order the ids were made, also many within one millisecond", () => {
    const now = Date.UTC(2032, 0, 1);
    const ids = Array.from({ length: 3_000 }, () => uuidV7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("draws fresh random bits for every id, beyond the pool of random bytes it refills", () => {
    // The last 62 bits are random only: the same tail twice means random bytes were reused.
    const tails = Array.from({ length: 2_000 }, () => uuidV7().slice(-17));
    expect(new Set(tails).size).toBe(tails.length);
    for (const id of Array.from({ length: 600 }, () => uuidV7())) expect(id).toMatch(UUID_V7);
  });
});

describe("randomBytes (cryptoRandom)", () => {
  it("hands out the length asked for, never the same bytes twice, across refills of its pool", () => {
    // 700 draws of 13 bytes span more than two pools of 4 KiB, with a remainder at each refill.
    const draws = Array.from({ length: 700 }, () => randomBytes(13));
    expect(draws.every((bytes) => bytes.length === 13)).toBe(true);
    expect(new Set(draws.map(toHex)).size).toBe(draws.length);
    // A draw is a copy: changing it changes no later one.
    const first = randomBytes(8);
    first.fill(0);
    expect(toHex(randomBytes(8))).not.toBe("0000000000000000");
  });

  it("serves long requests and the RandomSource the services use", () => {
    const long = randomBytes(5_000);
    expect(long.length).toBe(5_000);
    expect(new Set(long).size).toBeGreaterThan(200);
    expect(cryptoRandom.bytes(32)).toHaveLength(32);
    expect(toHex(cryptoRandom.bytes(32))).not.toBe(toHex(cryptoRandom.bytes(32)));
  });
});
