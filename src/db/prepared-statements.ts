import { createHash } from "node:crypto";

/** The part of a statement the naming looks at (Prisma's `SqlQuery` has more). */
export interface StatementText {
  sql: string;
  args: readonly unknown[];
}

/**
 * Names statements for the pg driver so that each connection prepares (parses and plans) a
 * statement once and then only executes it: the planning of the candidate-ranking and facts
 * statements alone cost 1–2 ms per call (scripts/bench/RESULTS.md, fix 10). The name is derived
 * from the text, so the same text gets the same name in every process and on every connection.
 *
 * Only statements with parameters are named: a parameterless text may hold several statements,
 * which PostgreSQL runs only unprepared. At most `limit` distinct texts are named per process
 * (each stays prepared on every connection that ran it); texts beyond that run unprepared, so
 * statements built with variable-length lists cannot fill the memory of server or client.
 *
 * @example
 * const adapter = new PrismaPg(pool, { statementNameGenerator: preparedStatementNames() });
 */
export function preparedStatementNames(limit = 2_000): (query: StatementText) => string | undefined {
  const names = new Map<string, string>();
  return (query) => {
    if (query.args.length === 0) return undefined;
    const known = names.get(query.sql);
    if (known !== undefined || names.size >= limit) return known;
    const name = `dp_${createHash("sha1").update(query.sql).digest("hex").slice(0, 32)}`;
    names.set(query.sql, name);
    return name;
  };
}
