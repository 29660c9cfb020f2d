import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, visiblePrefix } from "../../src/auth/api-key-secret";
import { ApiError } from "../../src/lib/api-error";
import { decodeCursor, encodeCursor, toPage } from "../../src/lib/pagination";
import { cryptoRandom, sequentialRandom } from "../../src/lib/random";

describe("cursors", () => {
  const id = "01936c1e-7a4b-7c3d-9f2e-0a1b2c3d4e5f";

  it("round-trip an id and are opaque", () => {
    const cursor = encodeCursor(id);
    expect(cursor).not.toContain(id);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it.each(["garbage!", encodeCursor("not-a-uuid"), "%%%"])("refuses %j with a validation error", (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ApiError);
  });

  it("pages: the extra row only signals that more follow", () => {
    const rows = ["a", "b", "c"].map((letter) => ({ id: id.replace("0a1b", `0a1${letter}`) }));
    const page = toPage(rows, 2, (row) => row.id);
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.nextCursor!)).toBe(rows[1]!.id);
    expect(toPage(rows, 3, (row) => row.id).nextCursor).toBeNull();
  });
});

describe("API key secrets", () => {
  it("carry 256 random bits after the dp_ prefix", () => {
    const key = generateApiKey(cryptoRandom);
    expect(key).toMatch(/^dp_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey(cryptoRandom)).not.toBe(key);
  });

  it("hash to SHA-256 hex, deterministic per key", async () => {
    const key = generateApiKey(sequentialRandom());
    expect(await hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashApiKey(key)).toBe(await hashApiKey(key));
    expect(await hashApiKey(key + "x")).not.toBe(await hashApiKey(key));
  });

  it("show only a short prefix", () => {
    const key = generateApiKey(cryptoRandom);
    expect(visiblePrefix(key)).toHaveLength(9);
    expect(key.startsWith(visiblePrefix(key))).toBe(true);
  });
});
