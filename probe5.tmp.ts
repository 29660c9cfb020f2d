import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./src/generated/prisma/client";
import { applyMigrations } from "./src/db/migrations";
import { readMigrationFiles } from "./src/db/migration-files";
const pglite = await PGlite.create({ extensions: { btree_gist } });
await applyMigrations({ query: async (s, p) => (await pglite.query<never>(s, p)).rows, exec: async (s) => void (await pglite.exec(s)) }, await readMigrationFiles());
const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), log: [{ emit: "event", level: "query" }] });
prisma.$on("query", (e) => console.log("SQL", e.query, e.params));
await prisma.interpreter.create({ data: { name: "x", phone: "+4915112345678", modes: ["phone"] } });
try { console.log(await prisma.interpreter.count({ where: { modes: { has: "phone" } } })); } catch (e) { console.log("ERR"); }
console.log(await prisma.$queryRaw`SELECT count(*)::int AS n FROM "Interpreter" WHERE ${"phone"}::"InterpretingMode" = ANY("modes")`);
await prisma.$disconnect(); await pglite.close();
