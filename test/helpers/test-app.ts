import { createApp, type App } from "../../src/app";
import type { AppDeps } from "../../src/app-env";
import { parseConfig, type Config } from "../../src/config/config";
import { createApiKeyService } from "../../src/features/api-keys/api-keys.service";
import { FakeClock } from "../../src/lib/clock";
import { cryptoRandom } from "../../src/lib/random";
import { RecordingSmsSender } from "../../src/sms/sms-sender";
import { testDatabase } from "./test-database";
import { recordErrorBody, recordSecret, testLogger } from "./test-logs";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, e.g. malformed JSON or CSV. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Calls the app in-process, as a client with one API key (or none). */
export class ApiClient {
  constructor(private readonly app: App, readonly key?: string) {
    if (key) recordSecret(key);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await this.app.request(path, { method, headers, body });
    const text = await response.text();
    recordErrorBody(response.status, text);
    let parsed: unknown = text;
    if (response.headers.get("content-type")?.includes("json") && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>("GET", path, options);
  post = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>("POST", path, { body, ...options });
  patch = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>("PATCH", path, { body, ...options });
  put = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>("PUT", path, { body, ...options });
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>("DELETE", path, options);
}

export interface TestContext {
  app: App;
  deps: AppDeps;
  clock: FakeClock;
  coordinator: ApiClient;
  finance: ApiClient;
  anonymous: ApiClient;
  as(key: string): ApiClient;
  /** A new organisation with a requester key of its own. */
  newRequester(overrides?: Record<string, unknown>): Promise<{ client: ApiClient; organisationId: string; keyId: string }>;
}

/** Tests opt in to automatic SMS dispatch (AUTO_DISPATCH: "true"), so booking tests see plain open bookings. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  // Fake clocks make time stand still: no rate limit, and a request timeout far beyond any test.
  return parseConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", AUTO_DISPATCH: "false", RATE_LIMIT_PER_MINUTE: "0", REQUEST_TIMEOUT_MS: "2000000000", ...overrides });
}

/**
 * An app on the worker's shared test database, with fresh coordinator and finance keys.
 * Each test file makes its own; rows from other files may exist, so tests look only at their own.
 */
export async function createTestContext(options: { config?: Record<string, string>; deps?: Partial<AppDeps> } = {}): Promise<TestContext> {
  const db = await testDatabase();
  const clock = new FakeClock("2026-11-24T08:00:00Z");
  const deps: AppDeps = {
    config: testConfig(options.config),
    db,
    clock,
    random: cryptoRandom,
    logger: testLogger(),
    sms: new RecordingSmsSender(),
    sleep: async (milliseconds) => clock.advance(milliseconds),
    fetch: globalThis.fetch,
    ...options.deps,
  };
  const app = createApp(deps);
  const keys = createApiKeyService(deps);
  const coordinator = await keys.create({ name: "test coordinator", role: "coordinator" }, null);
  const finance = await keys.create({ name: "test finance", role: "finance" }, null);
  const coordinatorClient = new ApiClient(app, coordinator.key);

  return {
    app,
    deps,
    clock,
    coordinator: coordinatorClient,
    finance: new ApiClient(app, finance.key),
    anonymous: new ApiClient(app),
    as: (key) => new ApiClient(app, key),
    async newRequester(overrides = {}) {
      const organisation = await newOrganisation(coordinatorClient, overrides);
      const created = await keys.create({ name: "test requester", role: "requester", organisationId: organisation.id }, null);
      return { client: new ApiClient(app, created.key), organisationId: organisation.id, keyId: created.id };
    },
  };
}

let sequence = 0;
/** A short token unique within the run, for names that tests filter by. */
export function uniqueToken(prefix = "t"): string {
  sequence += 1;
  return `${prefix}${process.pid.toString(36)}${Date.now().toString(36)}${sequence}`;
}

/** A valid German mobile number no other test uses (national format, as coordinators type it). */
export function uniqueMobile(): string {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  return `0151 ${digits}`;
}

export function toE164(national: string): string {
  return "+49" + national.replace(/\s/g, "").slice(1);
}

/** "0151 12345678" as "+49 151 12345678": the same number in another notation. */
export function spacedInternational(national: string): string {
  const digits = national.replace(/\s/g, "").slice(1);
  return `+49 ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** Languages sorted by code and dialect, to compare them regardless of order. */
export function byCode<T extends { code: string; dialect: string | null }>(languages: T[]): T[] {
  return [...languages].sort((a, b) => `${a.code}|${a.dialect}`.localeCompare(`${b.code}|${b.dialect}`));
}

export async function newOrganisation(client: ApiClient, overrides: Record<string, unknown> = {}) {
  const response = await client.post("/v1/organisations", {
    name: `Jobcenter ${uniqueToken()}`,
    kind: "authority",
    municipality: "Düren",
    costCentre: "KST-4711",
    address: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" },
    contactEmail: "integration@jobcenter-dueren.de",
    ...overrides,
  });
  if (response.status !== 201) throw new Error(`newOrganisation: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function newInterpreter(client: ApiClient, overrides: Record<string, unknown> = {}) {
  const response = await client.post("/v1/interpreters", {
    name: `Dolmetscherin ${uniqueToken()}`,
    phone: uniqueMobile(),
    languages: [{ code: "ar", dialect: "levantinisch", level: "native" }],
    qualification: "trained",
    modes: ["onsite", "phone"],
    homePostcode: "52351",
    iban: "DE89 3704 0044 0532 0130 00",
    smsConsent: true,
    ...overrides,
  });
  if (response.status !== 201) throw new Error(`newInterpreter: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
