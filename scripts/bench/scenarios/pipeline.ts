// P1: create a booking → fetch its candidates → assign the best, by many clients at once.
// The same driver runs against our server and against the floor server (same request shapes).
import { LANGUAGES } from "../seed";
import type { CpuUse } from "../cpu";
import { runLoad, type LoadResult } from "../load";
import { perSecond, summarise, type LatencySummary } from "../stats";

export interface PipelineOptions {
  organisationId: string;
  connections: number;
  durationSeconds: number;
  /** The first two-hour slot to book: each run books slots of its own, so runs never clash. */
  firstSlot: number;
}

export interface PipelineResult {
  /** Complete pipelines (all three steps succeeded) per second. */
  pipelinesPerSecond: number | null;
  pipelines: number;
  /** Pipelines that stopped early (a step answered an error, or no candidate was left). */
  failedPipelines: number;
  /** Latency of one whole pipeline (three requests), ms. */
  pipelineLatencyMs: LatencySummary;
  /** Latency of each request, ms. */
  http: LoadResult;
  slotsUsed: number;
  /** CPU time of the server, the database server and the load generator during the run (added by the runner). */
  cpuMs?: CpuUse;
}

const SLOT_MS = 2 * 3_600_000;
const DAY_MS = 86_400_000;
/** Bookings start 200 days ahead (clear of seeded offers) and stay within the 730 days allowed. */
const FIRST_DAY = 200;
export const SLOTS_PER_LANGUAGE = (720 - FIRST_DAY) * 12;

/**
 * Drives the pipeline for a fixed time. Pipeline n books language n mod 20 in its own two-hour
 * slot, so concurrent assignments of one interpreter never overlap (travel buffer included).
 *
 * @example
 * const result = await runPipeline(server.baseUrl, key, { organisationId, connections: 64, durationSeconds: 20, firstSlot: 0 });
 */
export async function runPipeline(baseUrl: string, key: string, options: PipelineOptions): Promise<PipelineResult> {
  const base = Math.floor(Date.now() / DAY_MS) * DAY_MS + FIRST_DAY * DAY_MS;
  let next = 0;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const started = performance.now();
  const http = await runLoad({
    url: baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    headers,
    requests: [
      {
        method: "POST",
        path: "/v1/bookings",
        setupRequest: (request, context) => {
          const n = next++;
          // Past the last slot the run would book taken times again (and count clashes as failures).
          const slot = (options.firstSlot + Math.floor(n / LANGUAGES.length)) % SLOTS_PER_LANGUAGE;
          context.started = performance.now();
          context.bookingId = undefined;
          context.interpreterId = undefined;
          const startsAt = new Date(base + slot * SLOT_MS).toISOString();
          return { ...request, body: JSON.stringify({ organisationId: options.organisationId, language: LANGUAGES[n % LANGUAGES.length], startsAt, durationMinutes: 60, mode: "phone" }) };
        },
        onResponse: (status, body, context) => {
          if (status === 201) context.bookingId = (JSON.parse(body) as { id: string }).id;
          else failed++;
        },
      },
      {
        method: "GET",
        setupRequest: (request, context) => (context.bookingId ? { ...request, path: `/v1/bookings/${context.bookingId as string}/candidates` } : null),
        onResponse: (status, body, context) => {
          const first = status === 200 ? (JSON.parse(body) as { candidates: { interpreter: { id: string } }[] }).candidates[0] : undefined;
          if (first) context.interpreterId = first.interpreter.id;
          else failed++;
        },
      },
      {
        method: "POST",
        setupRequest: (request, context) =>
          context.interpreterId
            ? { ...request, path: `/v1/bookings/${context.bookingId as string}/assign`, body: JSON.stringify({ interpreterId: context.interpreterId }) }
            : null,
        onResponse: (status, _body, context) => {
          if (status !== 200) {
            failed++;
            return;
          }
          done++;
          latencies.push(performance.now() - (context.started as number));
        },
      },
    ],
  });
  const elapsed = performance.now() - started;
  return {
    pipelinesPerSecond: perSecond(done, elapsed),
    pipelines: done,
    failedPipelines: failed,
    pipelineLatencyMs: summarise(latencies),
    http,
    slotsUsed: Math.ceil(next / LANGUAGES.length) + 1,
  };
}
