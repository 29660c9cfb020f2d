import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/config/config";
import { createSmsSender } from "../../../src/node/runtime";
import { RecordingSmsSender } from "../../../src/sms/sms-sender";
import { TwilioRestSender } from "../../../src/sms/twilio-rest-sender";
import { TwilioSmsSender } from "../../../src/sms/twilio-sender";

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "9f86d081884c7d659a2feaa0c55ad015";
const FROM = "+4924211234567";
const MESSAGING_SERVICE_SID = "MG5f6e7d8c9b0a1f2e3d4c5b6a7987abcd";
const STATUS_CALLBACK = "https://pool.dueren.example/v1/sms/status";
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  form: URLSearchParams;
}

type Answer = { status: number; json: unknown };

/** A local fake of Twilio's Messages API: records every request and answers like Twilio. */
class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private counter = 0;
  /** The next answers (a 400, a 500 …); when empty, a created message like Twilio's. */
  answers: Answer[] = [];

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        this.requests.push({ method: request.method!, url: request.url!, headers: request.headers, body, form: new URLSearchParams(body) });
        const answer = this.answers.shift() ?? this.created(request.url!, new URLSearchParams(body));
        response.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(answer.json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  reset(): void {
    this.requests.length = 0;
    this.answers = [];
  }

  /** The 201 answer of POST …/Messages.json, with the fields the SDK's MessageInstance reads. */
  created(url: string, form: URLSearchParams): Answer {
    this.counter += 1;
    const sid = `SM${this.counter.toString(16).padStart(32, "0")}`;
    const accountSid = /\/Accounts\/(AC[0-9a-fA-F]{32})\//.exec(url)?.[1] ?? ACCOUNT_SID;
    const now = new Date("2026-11-24T10:15:00Z").toUTCString().replace("GMT", "+0000");
    return {
      status: 201,
      json: {
        account_sid: accountSid,
        api_version: "2010-04-01",
        body: form.get("Body"),
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: form.get("From"),
        messaging_service_sid: form.get("MessagingServiceSid"),
        num_media: "0",
        num_segments: "1",
        price: null,
        price_unit: "USD",
        sid,
        status: "queued",
        subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to: form.get("To"),
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
    };
  }
}

const twilio = new FakeTwilio();
beforeAll(() => twilio.start());
afterAll(() => twilio.stop());
afterEach(() => twilio.reset());

const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("TwilioSmsSender", () => {
  it("posts the message to Twilio's Messages API with Basic auth, From, Body and StatusCallback", async () => {
    const sender = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl });
    const body = "Dolmetscheinsatz 4711: Arabisch, Mi 25.11. 09:30-10:30, Jobcenter, Bismarckstr. 10, 52351 Düren. Zusage: JA 4711 - Absage: NEIN 4711";

    const sent = await sender.send({ to: "+4915112345678", body, statusCallbackUrl: STATUS_CALLBACK });

    expect(sender.name).toBe("twilio");
    expect(twilio.requests).toHaveLength(1);
    const request = twilio.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(basicAuth(ACCOUNT_SID, AUTH_TOKEN));
    expect(request.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(request.form)).toEqual({
      To: "+4915112345678",
      From: FROM,
      Body: body,
      StatusCallback: STATUS_CALLBACK,
    });
    // Umlauts arrive intact (percent-encoded UTF-8 on the wire).
    expect(request.form.get("Body")).toContain("Düren");
    expect(request.body).toContain("D%C3%BCren");
    expect(sent).toEqual({ providerSid: "SM" + "1".padStart(32, "0"), status: "queued" });
  });

  it("sends through a Messaging Service instead of From when one is configured", async () => {
    const sender = new TwilioSmsSender({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      from: FROM,
      messagingServiceSid: MESSAGING_SERVICE_SID,
      apiBaseUrl: twilio.baseUrl,
    });

    const sent = await sender.send({ to: "+4917612345678", body: "Bestätigt: Einsatz 4711, Größe ß äöü ÄÖÜ", statusCallbackUrl: STATUS_CALLBACK });

    const request = twilio.requests[0]!;
    expect(request.url).toBe(MESSAGES_PATH);
    expect(Object.fromEntries(request.form)).toEqual({
      To: "+4917612345678",
      MessagingServiceSid: MESSAGING_SERVICE_SID,
      Body: "Bestätigt: Einsatz 4711, Größe ß äöü ÄÖÜ",
      StatusCallback: STATUS_CALLBACK,
    });
    expect(request.form.has("From")).toBe(false);
    expect(sent.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("leaves StatusCallback out when there is no callback URL", async () => {
    const sender = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl });

    await sender.send({ to: "+4915112345678", body: "Sie haben gerade keine offene Anfrage." });

    expect(Object.fromEntries(twilio.requests[0]!.form)).toEqual({ To: "+4915112345678", From: FROM, Body: "Sie haben gerade keine offene Anfrage." });
  });

  it("returns each message's own sid and maps Twilio's first status", async () => {
    const sender = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl });
    const first = await sender.send({ to: "+4915112345678", body: "eins" });
    const second = await sender.send({ to: "+4915112345678", body: "zwei" });
    expect(first.providerSid).not.toBe(second.providerSid);

    const accepted = twilio.created(MESSAGES_PATH, new URLSearchParams({ To: "+4915112345678", Body: "x" }));
    (accepted.json as Record<string, unknown>).status = "accepted";
    const sentNow = twilio.created(MESSAGES_PATH, new URLSearchParams({ To: "+4915112345678", Body: "x" }));
    (sentNow.json as Record<string, unknown>).status = "sent";
    twilio.answers.push(accepted, sentNow);
    await expect(sender.send({ to: "+4915112345678", body: "drei" })).resolves.toEqual({
      providerSid: (accepted.json as { sid: string }).sid,
      status: "queued",
    });
    await expect(sender.send({ to: "+4915112345678", body: "vier" })).resolves.toEqual({
      providerSid: (sentNow.json as { sid: string }).sid,
      status: "sent",
    });
  });

  it("rejects with Twilio's message when Twilio answers 400", async () => {
    const sender = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl });
    twilio.answers.push({
      status: 400,
      json: {
        code: 21211,
        message: "Invalid 'To' Phone Number: +49151",
        more_info: "https://www.twilio.com/docs/errors/21211",
        status: 400,
      },
    });

    const error = await sender.send({ to: "+49151", body: "Test" }).then(
      () => null,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("Invalid 'To' Phone Number: +49151");
    expect(error).toMatchObject({ status: 400, code: 21211, moreInfo: "https://www.twilio.com/docs/errors/21211" });
    // No retry behind the outbox's back.
    expect(twilio.requests).toHaveLength(1);
  });

  it("rejects when Twilio answers 500 or cannot be reached", async () => {
    const sender = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl });
    twilio.answers.push({ status: 500, json: { code: 20500, message: "Internal Server Error", status: 500 } });
    await expect(sender.send({ to: "+4915112345678", body: "Test" })).rejects.toThrow("Internal Server Error");

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new TwilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: `http://127.0.0.1:${port}` });
    await expect(unreachable.send({ to: "+4915112345678", body: "Test" })).rejects.toThrow();
  });
});

describe("TwilioRestSender (fetch, for Workers)", () => {
  it("sends exactly the request the SDK sends", async () => {
    const options = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: twilio.baseUrl };
    const message = { to: "+4915112345678", body: "Einsatz 4711 ist abgesagt. Düren", statusCallbackUrl: STATUS_CALLBACK };
    await new TwilioSmsSender(options).send(message);
    const sent = await new TwilioRestSender(options).send(message);
    const [sdk, rest] = twilio.requests;
    expect(rest!.url).toBe(sdk!.url);
    expect(rest!.headers.authorization).toBe(sdk!.headers.authorization);
    expect(rest!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(rest!.form)).toEqual(Object.fromEntries(sdk!.form));
    expect(sent).toEqual({ providerSid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: "queued" });
  });

  it("uses the Messaging Service and rejects with Twilio's error message", async () => {
    const sender = new TwilioRestSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: MESSAGING_SERVICE_SID, apiBaseUrl: twilio.baseUrl });
    twilio.answers.push({ status: 400, json: { code: 21211, message: "The 'To' number +49151 is not a valid phone number.", status: 400 } });
    await expect(sender.send({ to: "+49151", body: "x" })).rejects.toThrow("Twilio answered 400 (21211): The 'To' number +49151 is not a valid phone number.");
    expect(Object.fromEntries(twilio.requests[0]!.form)).toEqual({ To: "+49151", Body: "x", MessagingServiceSid: MESSAGING_SERVICE_SID });
  });
});

describe("createSmsSender", () => {
  const twilioEnv = {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM: FROM,
    PUBLIC_BASE_URL: "https://pool.dueren.example",
  };

  it("picks Twilio when SMS_PROVIDER=twilio", () => {
    expect(createSmsSender(parseConfig({ ...twilioEnv, SMS_PROVIDER: "twilio" }))).toBeInstanceOf(TwilioSmsSender);
  });

  it("picks Twilio when all its credentials and PUBLIC_BASE_URL are there", () => {
    expect(createSmsSender(parseConfig(twilioEnv))).toBeInstanceOf(TwilioSmsSender);
    const { TWILIO_FROM: _from, ...withService } = twilioEnv;
    expect(createSmsSender(parseConfig({ ...withService, TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID }))).toBeInstanceOf(TwilioSmsSender);
  });

  it("records messages in the outbox otherwise", () => {
    expect(createSmsSender(parseConfig({}))).toBeInstanceOf(RecordingSmsSender);
    expect(createSmsSender(parseConfig({ SMS_PROVIDER: "outbox" }))).toBeInstanceOf(RecordingSmsSender);
    expect(createSmsSender(parseConfig({ ...twilioEnv, SMS_PROVIDER: "outbox" }))).toBeInstanceOf(RecordingSmsSender);
    for (const missing of Object.keys(twilioEnv)) {
      const env: Record<string, string> = { ...twilioEnv };
      delete env[missing];
      expect(createSmsSender(parseConfig(env)), `without ${missing}`).toBeInstanceOf(RecordingSmsSender);
    }
    expect(createSmsSender(parseConfig({ ...twilioEnv, TWILIO_FROM: "" })).name).toBe("outbox");
  });

  it("sends through the configured API base URL with the configured credentials", async () => {
    const sender = createSmsSender(
      parseConfig({ ...twilioEnv, SMS_PROVIDER: "twilio", TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID, TWILIO_API_BASE_URL: twilio.baseUrl }),
    );

    const sent = await sender.send({ to: "+4915112345678", body: "Hallo", statusCallbackUrl: STATUS_CALLBACK });

    const request = twilio.requests[0]!;
    expect(request.url).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(basicAuth(ACCOUNT_SID, AUTH_TOKEN));
    expect(request.form.get("MessagingServiceSid")).toBe(MESSAGING_SERVICE_SID);
    expect(request.form.has("From")).toBe(false);
    expect(sent.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
  });
});

describe("parseConfig for Twilio", () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      parseConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error("parseConfig accepted the environment");
  };

  it("refuses SMS_PROVIDER=twilio without credentials, sender and PUBLIC_BASE_URL, naming each variable", () => {
    const problems = problemsOf({ SMS_PROVIDER: "twilio" });
    expect(problems.map((problem) => problem.variable).sort()).toEqual(["PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"]);
    expect(problems.find((problem) => problem.variable === "TWILIO_FROM")!.message).toContain("TWILIO_MESSAGING_SERVICE_SID");
    const error = (() => {
      try {
        parseConfig({ SMS_PROVIDER: "twilio" });
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();
    for (const variable of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "PUBLIC_BASE_URL"]) {
      expect(error!.message).toContain(`${variable}: `);
    }
  });

  it("names just the one variable that is missing", () => {
    const complete = {
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: FROM,
      PUBLIC_BASE_URL: "https://pool.dueren.example",
    };
    expect(() => parseConfig(complete)).not.toThrow();
    expect(() => parseConfig({ ...complete, TWILIO_FROM: "", TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID })).not.toThrow();
    for (const variable of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "PUBLIC_BASE_URL"] as const) {
      expect(problemsOf({ ...complete, [variable]: "" }).map((problem) => problem.variable)).toEqual([variable]);
    }
  });

  it("refuses a malformed account SID, messaging service SID and sender number", () => {
    for (const sid of ["AC0123456789abcdef", "SK0123456789abcdef0123456789abcdef", "AC0123456789abcdef0123456789abcdeg", `${ACCOUNT_SID}0`]) {
      const problems = problemsOf({ TWILIO_ACCOUNT_SID: sid });
      expect(problems.map((problem) => problem.variable), sid).toEqual(["TWILIO_ACCOUNT_SID"]);
      expect(problems[0]!.message).toContain("AC followed by 32 hex digits");
    }
    for (const from of ["015112345678", "+49 151 12345678", "4915112345678", "+0151123456", "Pool"]) {
      const problems = problemsOf({ TWILIO_FROM: from });
      expect(problems.map((problem) => problem.variable), from).toEqual(["TWILIO_FROM"]);
      expect(problems[0]!.message).toContain("E.164");
    }
    expect(problemsOf({ TWILIO_MESSAGING_SERVICE_SID: "MG123" }).map((problem) => problem.variable)).toEqual(["TWILIO_MESSAGING_SERVICE_SID"]);
    expect(parseConfig({ TWILIO_ACCOUNT_SID: `AC${ACCOUNT_SID.slice(2).toUpperCase()}`, TWILIO_FROM: FROM })).toMatchObject({ TWILIO_FROM: FROM });
  });
});
