import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import type { ApiClient, ApiResponse } from "./test-app";

export const TWILIO_TEST_TOKEN = "twilio-test-auth-token-0123456789";
export const PUBLIC_BASE_URL = "https://pool.example.org";
export const POOL_NUMBER = "+4915799990000";

/** Config for a test context whose SMS webhooks are signed with the test token. */
export const smsTestConfig = { TWILIO_AUTH_TOKEN: TWILIO_TEST_TOKEN, PUBLIC_BASE_URL };

let sequence = 0;
export function messageSid(): string {
  sequence += 1;
  return `SM${process.pid.toString(16).padStart(8, "0")}${Date.now().toString(16).padStart(12, "0")}${sequence.toString(16).padStart(12, "0")}`;
}

/** Posts a form to a Twilio webhook route, signed as Twilio would sign it (unless told otherwise). */
export async function postTwilioWebhook(
  client: ApiClient,
  path: string,
  params: Record<string, string>,
  options: { signature?: string | null; token?: string } = {},
): Promise<ApiResponse<string>> {
  const signature =
    options.signature === undefined ? getExpectedTwilioSignature(options.token ?? TWILIO_TEST_TOKEN, PUBLIC_BASE_URL + path, params) : options.signature;
  return client.request<string>("POST", path, {
    rawBody: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...(signature === null ? {} : { "x-twilio-signature": signature }) },
  });
}

/** An SMS from an interpreter's phone (E.164) to the pool's number. */
export function sendSms(client: ApiClient, from: string, body: string, sid = messageSid()) {
  return postTwilioWebhook(client, "/v1/sms/inbound", { MessageSid: sid, From: from, To: POOL_NUMBER, Body: body, AccountSid: "AC0123", NumMedia: "0" });
}

/** The reply text inside a TwiML answer, or null for an empty answer. */
export function replyOf(response: ApiResponse<string>): string | null {
  const match = /<Message>([\s\S]*)<\/Message>/.exec(response.body);
  return match ? match[1]!.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'") : null;
}
