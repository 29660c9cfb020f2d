// P3: the time and peak memory of downloading the files of a large export batch, each from a
// freshly started server (so its peak memory is the download's).
import { download } from "../load";
import type { BenchProcess } from "../processes";

export const EXPORT_CONFIG = { SEPA_DEBTOR_IBAN: "DE02120300000000202051", SEPA_DEBTOR_NAME: "Kreis Bench" } as const;

export interface FileResult {
  file: string;
  seconds: number;
  bytes: number;
  /** The server's peak resident memory (VmHWM) after the download, MiB. */
  peakRssMb: number | null;
  /** Its resident memory right after starting, before the download, MiB. */
  startRssMb: number | null;
}

/** Downloads one file of the batch from a server that did nothing else since it started. @example await downloadFile(server, key, batchId, "sepa.xml", null); */
export async function downloadFile(server: BenchProcess, financeKey: string, batchId: string, file: string, startRssMb: number | null): Promise<FileResult> {
  const result = await download(`${server.baseUrl}/v1/exports/${batchId}/${file}`, financeKey);
  if (result.status !== 200) throw new Error(`GET ${file} answered ${result.status}`);
  return { file, seconds: Math.round(result.ms) / 1000, bytes: result.bytes, peakRssMb: server.peakRssMb(), startRssMb };
}
