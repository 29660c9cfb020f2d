/**
 * Remembers the answers of a pure, costly computation by key (time-zone lookups, phone-number
 * parsing, language names), at most `limit` of them: when full, everything is forgotten at once
 * and remembering starts over — simpler than evicting one by one, and the keys these serve repeat
 * within a request, so a clear costs a few recomputations. Answers are shared between callers:
 * remember only values nobody changes (strings, numbers, frozen objects).
 *
 * @example
 * const names = remembered<string>(1_000);
 * names("ar", () => new Intl.DisplayNames(["de"], { type: "language" }).of("ar")!); // computed once
 * // Number keys where the answer depends on one number: no key string to build and hash.
 * const offsets = remembered<number, number>(20_000);
 */
export function remembered<V, K extends string | number = string>(limit: number): (key: K, compute: () => V) => V {
  const answers = new Map<K, V>();
  return (key, compute) => {
    // `has`, not `get`: null and undefined are answers too (a day with an offset change).
    if (answers.has(key)) return answers.get(key) as V;
    const answer = compute();
    if (answers.size >= limit) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
