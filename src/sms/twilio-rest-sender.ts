import type { OutgoingSms, SentSms, SmsSender } from "./sms-sender";
import type { TwilioSenderOptions } from "./twilio-sender";

/**
 * Twilio's Messages API called with plain `fetch`, for runtimes where the Node SDK does not run
 * (Cloudflare Workers). Same request as the SDK sends: form-encoded To, From or
 * MessagingServiceSid, Body and StatusCallback, with HTTP Basic auth.
 */
export class TwilioRestSender implements SmsSender {
  readonly name = "twilio";

  constructor(private readonly options: TwilioSenderOptions, private readonly fetchImpl: typeof fetch = fetch) {}

  async send(message: OutgoingSms): Promise<SentSms> {
    const base = this.options.apiBaseUrl ?? "https://api.twilio.com";
    const url = new URL(`/2010-04-01/Accounts/${this.options.accountSid}/Messages.json`, base);
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    if (this.options.messagingServiceSid) form.set("MessagingServiceSid", this.options.messagingServiceSid);
    else form.set("From", this.options.from!);
    if (message.statusCallbackUrl) form.set("StatusCallback", message.statusCallbackUrl);
    const response = await this.fetchImpl(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${this.options.accountSid}:${this.options.authToken}`)}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
    });
    const payload = (await response.json().catch(() => ({}))) as { sid?: string; status?: string; message?: string; code?: number };
    if (!response.ok || !payload.sid) {
      throw new Error(`Twilio answered ${response.status}${payload.code ? ` (${payload.code})` : ""}: ${payload.message ?? "no message"}`);
    }
    return { providerSid: payload.sid, status: payload.status === "queued" || payload.status === "accepted" ? "queued" : "sent" };
  }
}
