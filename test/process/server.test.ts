import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapKeyIn, call, runFailingServer, startServer, type RunningServer } from "../helpers/server-process";
import { uniqueMobile } from "../helpers/test-app";
import { testDbKind } from "../helpers/test-database";
import { emptyDatabases } from "../helpers/child-process";

const onPostgres = testDbKind() === "postgres";
const databases = emptyDatabases();
const running: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop("SIGKILL")));
  await databases.dispose();
});

/** A database nobody has used: a temporary data folder, or a scratch database on the server. */
const emptyDatabaseEnv = (label: string) => databases.env(label);

async function start(env: Record<string, string>) {
  const server = await startServer(env);
  running.push(server);
  return server;
}

describe("the server process", () => {
  let env: Record<string, string>;
  let coordinatorKey: string;
  beforeAll(async () => {
    env = await emptyDatabaseEnv("server");
  });

  it("prints a bootstrap key on an empty database, keeps data across a restart, and stops cleanly on SIGTERM", async () => {
    const first = await start(env);
    const key = bootstrapKeyIn(first.output());
    expect(key).toMatch(/^dp_/);
    coordinatorKey = key!;

    expect((await call(first.baseUrl, undefined, "GET", "/healthz")).status).toBe(200);
    const created = await call(first.baseUrl, key, "POST", "/v1/interpreters", {
      name: "Amina Haddad",
      phone: uniqueMobile(),
      languages: [{ code: "ar", level: "native" }],
    });
    expect(created.status).toBe(201);
    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await start(env);
    expect(bootstrapKeyIn(second.output())).toBeUndefined();
    const found = await call(second.baseUrl, key, "GET", `/v1/interpreters/${created.body.id}`);
    expect(found.status).toBe(200);
    expect(found.body.name).toBe("Amina Haddad");
    expect(await second.stop("SIGINT")).toBe(0);
  });

  it("finishes a request in flight before it exits on SIGTERM", async () => {
    const server = await start(env);
    const rows = Array.from({ length: 150 }, (_, index) => `Person ${index};${uniqueMobile()};tr: native`).join("\n");
    const inFlight = fetch(`${server.baseUrl}/v1/interpreters/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${coordinatorKey}`, "content-type": "text/csv" },
      body: `name;phone;languages\n${rows}\n`,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exitCode = server.stop("SIGTERM");
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { created: number }).created).toBe(150);
    expect(await exitCode).toBe(0);
  });

  it("stops at once (exit 0) while the SMS outbox waits for a paced send slot, and leaves the rest queued", async () => {
    // One SMS every 10 s and 3 s to shut down: waiting for the next slot would be killed at the
    // timeout (exit 1). The outbox instead stops between slots.
    const paced = { ...env, SMS_RATE_PER_SECOND: "0.1", SHUTDOWN_TIMEOUT_MS: "3000" };
    const server = await start(paced);
    const organisation = await call(server.baseUrl, coordinatorKey, "POST", "/v1/organisations", { name: "Beratungsstelle Nord", kind: "counselling", municipality: "Düren" });
    expect(organisation.status, JSON.stringify(organisation.body)).toBe(201);
    const people: string[] = [];
    for (let n = 0; n < 3; n++) {
      const person = await call(server.baseUrl, coordinatorKey, "POST", "/v1/interpreters", { name: `Person ${n}`, phone: uniqueMobile(), languages: [{ code: "ti", level: "native" }], modes: ["phone"], smsConsent: true });
      expect(person.status, JSON.stringify(person.body)).toBe(201);
      const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: "00:00", to: "24:00" }));
      expect((await call(server.baseUrl, coordinatorKey, "PUT", `/v1/interpreters/${person.body.id}/availability`, { weekly })).status).toBe(200);
      people.push(person.body.id);
    }
    const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const booking = await call(server.baseUrl, coordinatorKey, "POST", "/v1/bookings", { organisationId: organisation.body.id, language: "ti", startsAt, durationMinutes: 60, mode: "phone" });
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    expect((await call(server.baseUrl, coordinatorKey, "POST", `/v1/bookings/${booking.body.id}/offers`, { interpreterIds: people })).status).toBe(200);
    const statuses = async (base: string) =>
      ((await call(base, coordinatorKey, "GET", `/v1/sms/messages?bookingId=${booking.body.id}&direction=outbound`)).body.items as { status: string }[]).map((message) => message.status).sort();
    for (let waited = 0; !(await statuses(server.baseUrl)).includes("sent"); waited += 100) {
      expect(waited, "the first offer SMS never went out").toBeLessThan(20_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await server.stop("SIGTERM")).toBe(0);

    const next = await start(paced);
    expect(await statuses(next.baseUrl)).toEqual(["queued", "queued", "sent"]);
    expect(await next.stop("SIGTERM")).toBe(0);
  });

  it("uses BOOTSTRAP_API_KEY as the first key when it is set", async () => {
    const presetKey = "preset-coordinator-key-for-the-test-0123456789";
    const server = await start({ ...(await emptyDatabaseEnv("preset")), BOOTSTRAP_API_KEY: presetKey });
    expect(bootstrapKeyIn(server.output())).toBe(presetKey);
    expect((await call(server.baseUrl, presetKey, "GET", "/v1/api-keys")).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it("refuses bodies over BODY_LIMIT_BYTES over real HTTP, declared by Content-Length or sent in chunks, and takes those within it", async () => {
    const server = await start({ ...env, BODY_LIMIT_BYTES: "2048" });
    const headers = { authorization: `Bearer ${coordinatorKey}`, "content-type": "application/json" };
    const organisation = (name: string, padding: number) => JSON.stringify({ name, kind: "other", municipality: "Düren" }) + " ".repeat(padding);
    /** A body without Content-Length: fetch sends a stream in chunks (Transfer-Encoding: chunked). */
    const chunked = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      return new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 500) controller.enqueue(bytes.subarray(offset, offset + 500));
          controller.close();
        },
      });
    };
    const post = async (body: string | ReadableStream<Uint8Array>) => {
      const response = await fetch(`${server.baseUrl}/v1/organisations`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
      return { status: response.status, body: (await response.json()) as { id?: string; name?: string; error?: { code: string } } };
    };
    const names = ["Length small", "Length large", "Chunks small", "Chunks large"].map((label) => `${label} ${uniqueMobile()}`);

    expect(await post(organisation(names[0]!, 100))).toMatchObject({ status: 201, body: { name: names[0] } });
    expect(await post(organisation(names[1]!, 3000))).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
    expect(await post(chunked(organisation(names[2]!, 100)))).toMatchObject({ status: 201, body: { name: names[2] } });
    expect(await post(chunked(organisation(names[3]!, 3000)))).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
    // Only the two within the limit were stored.
    const stored = await Promise.all(names.map(async (name) => (await call(server.baseUrl, coordinatorKey, "GET", `/v1/organisations?q=${encodeURIComponent(name)}`)).body.items.length));
    expect(stored).toEqual([1, 0, 1, 0]);
    expect(await server.stop()).toBe(0);
  });

  it("runs a bundle that reads Prisma's query compiler from its file instead of keeping it as a module", async () => {
    // The servers above ran from this bundle (npm start builds it): every query went through the compiler it loaded.
    const bundle = readFileSync(path.join(import.meta.dirname, "../../dist/server/server.mjs"), "utf8");
    expect(bundle).not.toContain('import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs")');
    expect(bundle).toContain('.resolve("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs")');
  });

  it("refuses to start with a bad configuration value, naming the variable", async () => {
    const result = await runFailingServer({ ...env, PORT: "eighty" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("PORT");
  });
});

describe.runIf(!onPostgres)("the embedded database", () => {
  it("refuses a second process on the same data folder with a clear message", async () => {
    const env = await emptyDatabaseEnv("lock");
    const server = await start(env);
    const second = await runFailingServer(env);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/in use by another Dolmetscherpool process \(pid \d+\)/);
    // The first one is unharmed.
    expect((await call(server.baseUrl, undefined, "GET", "/healthz")).status).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it("takes over the lock of a process that was killed", async () => {
    const env = await emptyDatabaseEnv("stale");
    const server = await start(env);
    await server.stop("SIGKILL");
    const again = await start(env);
    expect((await call(again.baseUrl, undefined, "GET", "/healthz")).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });
});

describe.runIf(onPostgres)("two processes on one PostgreSQL database", () => {
  it("start together (one bootstrap key between them) and serve the same data", async () => {
    const env = await emptyDatabaseEnv("pair");
    const [a, b] = await Promise.all([start(env), start(env)]);
    const keys = [bootstrapKeyIn(a.output()), bootstrapKeyIn(b.output())].filter(Boolean);
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    const created = await call(a.baseUrl, key, "POST", "/v1/organisations", {
      name: "Schule am Park",
      kind: "school",
      municipality: "Düren",
    });
    expect(created.status).toBe(201);
    const read = await call(b.baseUrl, key, "GET", `/v1/organisations/${created.body.id}`);
    expect(read.body.name).toBe("Schule am Park");
    await Promise.all([a.stop(), b.stop()]);
  });
});
