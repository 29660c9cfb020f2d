/**
 * A small seeded random generator (mulberry32), so `npm run demo` makes the same pool every time.
 * Never used for secrets: API keys come from crypto.
 *
 * @example
 * const random = createPrng(2015);
 * random.int(1, 6); // the same number on every run
 */
export function createPrng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const prng = {
    /** A number in [0, 1). */
    next,
    /** An integer from `min` to `max`, both inclusive. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (probability: number): boolean => next() < probability,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    /** One of `items`, each as likely as its weight. */
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
    /**
     * A UUIDv7 for a row made at `at`, as the database would give it: ids sort by creation time,
     * which lists and cursors rely on.
     */
    uuid7: (at: Date): string => {
      const hex = at.getTime().toString(16).padStart(12, "0");
      const random = Array.from({ length: 10 }, () => Math.floor(next() * 256));
      random[0] = (random[0]! & 0x0f) | 0x70;
      random[2] = (random[2]! & 0x3f) | 0x80;
      const tail = random.map((byte) => byte.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${tail.slice(0, 4)}-${tail.slice(4, 8)}-${tail.slice(8, 20)}`;
    },
  };
  return prng;
}

export type Prng = ReturnType<typeof createPrng>;
