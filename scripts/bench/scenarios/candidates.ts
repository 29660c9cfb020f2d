// P2: the latency of GET /v1/bookings/{id}/candidates for one open job, one request at a time.
import type { CpuUse } from "../cpu";
import { api, runLoad, type LoadResult } from "../load";

export interface CandidatesResult {
  interpreters: number;
  pastAssignments: number;
  /** Candidates in the answer (all who speak the job's language and are free). */
  candidates: number;
  responseBytes: number;
  http: LoadResult;
  /** CPU time by party during the measurement (run.ts meters it). */
  cpuMs?: CpuUse;
}

/**
 * Measures the candidate ranking of one booking with `connections` clients for a fixed time.
 *
 * @example
 * await runCandidates(server.baseUrl, key, bookingId, { interpreters: 1000, pastAssignments: 100_000, connections: 1, durationSeconds: 10 });
 */
export async function runCandidates(
  baseUrl: string,
  key: string,
  bookingId: string,
  options: { interpreters: number; pastAssignments: number; connections: number; durationSeconds: number },
): Promise<CandidatesResult> {
  const path = `/v1/bookings/${bookingId}/candidates`;
  // One call first: the answer's size, and a warm-up of the code path and caches.
  const first = await api<{ candidates: unknown[] }>(baseUrl, key, "GET", path);
  const http = await runLoad({ url: baseUrl + path, connections: options.connections, duration: options.durationSeconds, headers: { authorization: `Bearer ${key}` } });
  return {
    interpreters: options.interpreters,
    pastAssignments: options.pastAssignments,
    candidates: first.body.candidates.length,
    responseBytes: JSON.stringify(first.body).length,
    http,
  };
}
