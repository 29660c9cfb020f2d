import { createMiddleware } from "hono/factory";
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../lib/api-error";
import { escapeXml } from "../../lib/encoding";

/** The form fields of a verified Twilio webhook, for the handler. */
export type TwilioParams = Record<string, string>;

/**
 * Verifies `X-Twilio-Signature` (HMAC-SHA1 over the public URL and the sorted form fields, keyed
 * by TWILIO_AUTH_TOKEN) whatever SMS provider is active: 503 without a token, 403 when the
 * signature is missing or wrong — before anything is read or changed.
 */
export const verifyTwilioSignature = createMiddleware<AppEnv & { Variables: { twilioParams: TwilioParams } }>(async (c, next) => {
  const { config } = c.get("deps");
  if (!config.TWILIO_AUTH_TOKEN) {
    throw new ApiError("SERVICE_UNAVAILABLE", "SMS webhooks are not configured: set TWILIO_AUTH_TOKEN.");
  }
  const signature = c.req.header("x-twilio-signature");
  if (!signature) throw new ApiError("FORBIDDEN", "Missing X-Twilio-Signature.");
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded/i.test(contentType)) throw new ApiError("FORBIDDEN", "Twilio webhooks are form-encoded.");
  const params: TwilioParams = {};
  const form = new FormData();
  for (const [key, value] of new URLSearchParams(await c.req.text())) {
    params[key] = value;
    form.append(key, value);
  }
  // The route's validator reads the form from Hono's body cache when it is there; otherwise it
  // converts the text read here through two throwaway Response objects with their streams (with
  // the pool of random bytes, this took server CPU per SMS reply from about 4.1 to 2.9 ms in the
  // benchmark; RESULTS.md, fix 29).
  c.req.bodyCache.formData = form;
  // Twilio signs the URL it called: the public one, which a proxy in front of us may hide.
  const requestUrl = new URL(c.req.url);
  const url = config.PUBLIC_BASE_URL ? new URL(requestUrl.pathname + requestUrl.search, config.PUBLIC_BASE_URL).toString() : c.req.url;
  if (!validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, params)) {
    throw new ApiError("FORBIDDEN", "The X-Twilio-Signature does not match.");
  }
  c.set("twilioParams", params);
  await next();
});

/** A TwiML answer with one reply message, or none. */
export function twiml(reply: string | null): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${reply ? `<Message>${escapeXml(reply)}</Message>` : ""}</Response>`;
}
