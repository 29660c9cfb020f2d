// A local fake of Twilio's Messages API for tests that run the real server process with
// SMS_PROVIDER=twilio: it records every message handed over and answers 201 with a unique sid.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HandedOverSms {
  /** The account SID in the request path: tests give each server process its own. */
  accountSid: string;
  to: string;
  body: string;
  sid: string;
  /** Date.now() when the request arrived. */
  at: number;
}

/**
 * An account SID that names a server generation, so every recorded message says which process
 * sent it (`generationOf` reads it back).
 *
 * @example
 * accountSidFor(3); // "ACcccccccccccccccccccccccc00000003"
 */
export function accountSidFor(generation: number): string {
  return `AC${"c".repeat(24)}${generation.toString(16).padStart(8, "0")}`;
}

/**
 * The server generation an account SID from `accountSidFor` names.
 *
 * @example
 * generationOf(accountSidFor(3)); // 3
 */
export function generationOf(accountSid: string): number {
  return Number.parseInt(accountSid.slice(-8), 16);
}

export class FakeTwilioApi {
  readonly messages: HandedOverSms[] = [];
  private readonly listeners: ((message: HandedOverSms) => void)[] = [];
  private server: Server | undefined;
  private counter = 0;

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Called for every message handed over, after it was recorded. */
  onMessage(listener: (message: HandedOverSms) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const accountSid = /\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/.exec(request.url ?? "")?.[1];
        if (request.method !== "POST" || !accountSid) {
          response.writeHead(404, { "content-type": "application/json" });
          response.end(JSON.stringify({ code: 20404, message: "Not found", status: 404 }));
          return;
        }
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        this.counter += 1;
        const sid = `SM${this.counter.toString(16).padStart(32, "0")}`;
        const message: HandedOverSms = { accountSid, to: form.get("To") ?? "", body: form.get("Body") ?? "", sid, at: Date.now() };
        this.messages.push(message);
        for (const listener of this.listeners) listener(message);
        response.writeHead(201, { "content-type": "application/json; charset=utf-8" });
        response.end(
          JSON.stringify({
            account_sid: accountSid,
            api_version: "2010-04-01",
            body: message.body,
            direction: "outbound-api",
            from: form.get("From"),
            num_segments: "1",
            sid,
            status: "queued",
            to: message.to,
            uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server!.close((error) => (error ? reject(error) : resolve())));
  }
}
