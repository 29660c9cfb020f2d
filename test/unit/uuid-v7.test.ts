import { describe, expect, it } from "vitest";
import { uuidV7 } from "../../src/lib/encoding";

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
