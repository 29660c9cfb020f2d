// Interpreters' SMS for the tests of test/api/sms: the webhook answers before the next offer wave
// is sent (it is handed to the ExecutionContext's waitUntil). These helpers pass an
// ExecutionContext and wait for that work, so a test sees the wave deterministically.
import type { App } from "../../../src/app";
import type { ApiResponse } from "../../helpers/test-app";
import { recordErrorBody } from "../../helpers/test-logs";
import { POOL_NUMBER, PUBLIC_BASE_URL, TWILIO_TEST_TOKEN, messageSid } from "../../helpers/twilio";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";

const INBOUND = "/v1/sms/inbound";

/** What a request handed to `waitUntil`: the work that runs after its answer. */
export class AfterAnswer {
  readonly pending: Promise<unknown>[] = [];
  readonly context = {
    waitUntil: (promise: Promise<unknown>) => void this.pending.push(promise),
    passThroughOnException: () => {},
    props: {},
  };

  /** Waits for everything handed over so far (and what that handed over in turn). */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}

/**
 * Posts a signed inbound SMS with an ExecutionContext and returns the answer; unless `settle` is
 * false, only after the work handed to `waitUntil` (the next offer waves) is done.
 *
 * @example
 * const response = await sendSms(ctx, person.phone, `NEIN ${job.code}`);
 */
export async function sendSms(
  target: { app: App },
  from: string,
  body: string,
  sid = messageSid(),
  options: { after?: AfterAnswer; settle?: boolean } = {},
): Promise<ApiResponse<string>> {
  const params = { MessageSid: sid, From: from, To: POOL_NUMBER, Body: body, AccountSid: "AC0123", NumMedia: "0" };
  const after = options.after ?? new AfterAnswer();
  const response = await target.app.request(
    INBOUND,
    {
      method: "POST",
      body: new URLSearchParams(params).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": getExpectedTwilioSignature(TWILIO_TEST_TOKEN, PUBLIC_BASE_URL + INBOUND, params) },
    },
    undefined,
    after.context,
  );
  const text = await response.text();
  recordErrorBody(response.status, text);
  if (options.settle !== false) await after.settle();
  const parsed = response.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : text;
  return { status: response.status, body: parsed, headers: response.headers };
}
