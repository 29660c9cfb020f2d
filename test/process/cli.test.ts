// The command-line tools as real processes, on a database of their own: a fresh embedded data
// folder, or a scratch database on the PostgreSQL server (project "postgres"). The steps build on
// each other (migrate, then keys, then imports) to keep the number of slow process starts small.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runToExit, toolWorkspace, type RunResult } from "../helpers/child-process";
import { toE164, uniqueMobile, uniqueToken } from "../helpers/test-app";

const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const PROCESS_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 150_000;

const onPostgres = process.env.TEST_DB_KIND === "postgres";

describe.sequential(`command-line tools (${onPostgres ? "PostgreSQL server" : "embedded database"})`, () => {
  const workspace = toolWorkspace("cli");

  /** Runs `tsx src/cli/<tool>.ts …` in the project folder and waits for it to exit. */
  const cli = (tool: string, args: string[]): Promise<RunResult> => runToExit(TSX, [path.join("src", "cli", `${tool}.ts`), ...args], workspace.env, PROCESS_TIMEOUT_MS);

  beforeAll(() => workspace.open());

  afterAll(() => workspace.dispose());

  it(
    "db:migrate applies the init migration once, then reports the database up to date",
    async () => {
      const first = await cli("migrate", []);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Applied: \d{14}_init/);
      expect(first.stdout).toContain(onPostgres ? "PostgreSQL at" : `embedded PostgreSQL in ${path.join(workspace.tmpDir, "data")}`);

      const second = await cli("migrate", []);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain("Already up to date.");
      expect(second.stdout).not.toContain("Applied");
    },
    STEP_TIMEOUT_MS,
  );

  const keyName = `Kasse ${uniqueToken("cli")}`;
  let keyId = "";
  let key = "";

  it(
    "keys create prints a new key once; keys list shows it by prefix only; keys revoke revokes it",
    async () => {
      const created = await cli("keys", ["create", "--role", "finance", "--name", keyName]);
      expect(created.code, created.stderr).toBe(0);
      const match = /Created finance key ([0-9a-f-]{36}) \((.+)\)\. Shown only now:\s+(dp_[A-Za-z0-9_-]{43})\s*$/.exec(created.stdout);
      expect(match, created.stdout).not.toBeNull();
      keyId = match![1]!;
      expect(match![2]).toBe(keyName);
      key = match![3]!;

      const listed = await cli("keys", ["list"]);
      expect(listed.code, listed.stderr).toBe(0);
      const line = listed.stdout.split("\n").find((candidate) => candidate.startsWith(keyId));
      expect(line, listed.stdout).toBeDefined();
      expect(line).toContain(`${key.slice(0, 9)}…`);
      expect(line).toMatch(/\bfinance\b/);
      expect(line).toContain("active");
      expect(line).toContain(keyName);
      expect(listed.stdout).not.toContain(key);
      expect(listed.stdout).not.toContain(key.slice(0, 12));

      const revoked = await cli("keys", ["revoke", keyId]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`Revoked key ${keyId} (${keyName}).`);
    },
    3 * STEP_TIMEOUT_MS,
  );

  it(
    "keys create --role requester without --organisation fails with a message",
    async () => {
      const result = await cli("keys", ["create", "--role", "requester", "--name", "Jobcenter ohne Organisation"]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/organisation/i);
      expect(result.stdout).not.toMatch(/dp_/);
    },
    STEP_TIMEOUT_MS,
  );

  const token = uniqueToken("cliimport");
  const amina = uniqueMobile();
  const karim = uniqueMobile();
  const badFileNewPhone = uniqueMobile();

  it(
    "import:interpreters imports a file, printing progress and a summary",
    async () => {
      const file = path.join(workspace.tmpDir, "pool.csv");
      await writeFile(
        file,
        "\uFEFF" +
          [
            "Name;Telefon;Sprachen;Einsatzarten;SMS-Einwilligung;IBAN",
            `Amina ${token};${amina};ar (levantinisch): Muttersprache, de: fließend;vor Ort|Telefon;ja;DE89 3704 0044 0532 0130 00`,
            `Karim ${token};${karim};fa: Muttersprache;Video;nein;`,
          ].join("\r\n") +
          "\r\n",
      );
      const result = await cli("import-interpreters", [file]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`Checking ${file}`);
      expect(result.stderr).toMatch(/imported 1\/2 rows \(50 %\)/);
      expect(result.stderr).toMatch(/imported 2\/2 rows \(100 %\)/);
      expect(result.stdout.trim()).toBe("Created 2 and updated 0 interpreter(s).");
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "import:interpreters rejects a bad file with its row and field problems and imports nothing of it",
    async () => {
      const file = path.join(workspace.tmpDir, "bad.csv");
      await writeFile(
        file,
        [
          "name;phone;languages;iban",
          `New ${token};${badFileNewPhone};tr: native;`,
          `Bad IBAN ${token};${uniqueMobile()};de: fluent;DE88 3704 0044 0532 0130 00`,
          `Bad language ${token};${uniqueMobile()};xx: native;`,
          `Amina renamed ${token};${toE164(amina)};uk: native;`,
        ].join("\n"),
      );
      const result = await cli("import-interpreters", [file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Nothing was imported.");
      expect(result.stderr).toMatch(/row 3, iban: .*IBAN/);
      expect(result.stderr).toMatch(/row 4, languages[.\w]*: .*ISO 639/);
      expect(result.stderr).not.toMatch(/row [25],/);
      expect(result.stdout).not.toMatch(/Created/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "left the database as the tools said: key revoked, good file stored, bad file not",
    async () => {
      expect(keyId).not.toBe("");
      await workspace.withDatabase(async (db) => {
        const storedKey = await db.prisma.apiKey.findUnique({ where: { id: keyId } });
        expect(storedKey).toMatchObject({ role: "finance", name: keyName, prefix: key.slice(0, 9) });
        expect(storedKey!.revokedAt).toBeInstanceOf(Date);
        // Only the hash is kept.
        expect(JSON.stringify(storedKey)).not.toContain(key);

        const people = await db.prisma.interpreter.findMany({
          where: { name: { contains: token } },
          include: { languages: true },
          orderBy: { name: "asc" },
        });
        expect(people.map((person) => [person.name, person.phone])).toEqual([
          [`Amina ${token}`, toE164(amina)],
          [`Karim ${token}`, toE164(karim)],
        ]);
        const [first, second] = people;
        expect(first!.languages.map((language) => language.code).sort()).toEqual(["ar", "de"]);
        expect(first!.modes).toEqual(["onsite", "phone"]);
        expect(first!.iban).toBe("DE89370400440532013000");
        expect(first!.smsConsentAt).toBeInstanceOf(Date);
        expect(second!.modes).toEqual(["video"]);
        expect(second!.smsConsentAt).toBeNull();
        expect(await db.prisma.interpreter.count({ where: { phone: toE164(badFileNewPhone) } })).toBe(0);
      });
    },
    STEP_TIMEOUT_MS,
  );
});
