import { describe, expect, it } from "vitest";
import { remembered } from "../../src/lib/remembered";

describe("remembered", () => {
  it("computes each key once, null and undefined answers included", () => {
    const answers = remembered<string | null | undefined>(10);
    let computed = 0;
    const ask = (key: string, answer: string | null | undefined) => answers(key, () => (computed++, answer));
    expect([ask("a", "A"), ask("a", "other"), ask("n", null), ask("n", "other"), ask("u", undefined), ask("u", "other")]).toEqual(["A", "A", null, null, undefined, undefined]);
    expect(computed).toBe(3);
  });

  it("forgets everything once it holds `limit` answers, and starts over", () => {
    const answers = remembered<number>(2);
    let computed = 0;
    const ask = (key: string) => answers(key, () => ++computed);
    expect([ask("a"), ask("b"), ask("a")]).toEqual([1, 2, 1]);
    expect(ask("c")).toBe(3); // full: a and b are forgotten, c is kept
    expect([ask("c"), ask("a")]).toEqual([3, 4]);
  });
});
