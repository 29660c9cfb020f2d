// HTTP helpers for the runner: plain API calls, and autocannon runs with our own latency record.
import autocannon, { type AutocannonOptions } from "autocannon";
import { summarise, type LatencySummary } from "./stats";

export interface LoadResult {
  /** Requests answered (any status). */
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /**
   * `performance.now()` of the last response (null without any). A run of a fixed `amount` ends on
   * autocannon's next one-second tick, so its own duration rounds up to whole seconds: rates of
   * such runs are counted up to this instead.
   */
  lastResponseAt: number | null;
}

/**
 * Runs autocannon and measures every response's latency itself (autocannon's histogram keeps
 * whole milliseconds only).
 *
 * @example
 * const result = await runLoad({ url: server.baseUrl + "/health", connections: 4, duration: 5 });
 */
export async function runLoad(options: AutocannonOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({ timeout: 60, ...options });
  let lastResponseAt: number | null = null;
  instance.on("response", (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    lastResponseAt = performance.now();
  });
  const result = await instance;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, Number(stats.count)]));
  return {
    requests: latencies.length,
    seconds: result.duration,
    requestsPerSecond: Math.round((latencies.length / result.duration) * 10) / 10,
    latencyMs: summarise(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    lastResponseAt,
  };
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/**
 * One JSON request to the API with a bearer key; throws unless the status is one of `expect`.
 *
 * @example
 * const { body } = await api(baseUrl, key, "POST", "/v1/api-keys", { name: "Finance", role: "finance" }, [201]);
 */
export async function api<T = any>(baseUrl: string, key: string | null, method: string, path: string, body?: unknown, expect: number[] = [200, 201]): Promise<ApiAnswer<T>> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!expect.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return { status: response.status, body: (text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

/** Downloads a file, counting bytes without keeping them. @example await download(`${baseUrl}/v1/exports/${id}/sepa.xml`, key); */
export async function download(url: string, key: string): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return { status: response.status, bytes, ms: performance.now() - started };
}
