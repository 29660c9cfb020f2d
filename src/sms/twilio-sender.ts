import type twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import type { OutgoingSms, SentSms, SmsSender } from "./sms-sender";

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio phone number (two-way SMS needs a number, not an alphanumeric sender) … */
  from?: string;
  /** … or a Messaging Service. */
  messagingServiceSid?: string;
  /** Send the API requests elsewhere (a local fake in tests, a proxy); default api.twilio.com. */
  apiBaseUrl?: string;
}

type TwilioClient = ReturnType<typeof twilio>;

/**
 * Twilio's SDK, loaded on the first message: a process that never sends SMS through Twilio (the
 * outbox, the command-line tools) does not carry its ~10 MiB. With `apiBaseUrl`, its request
 * client gets the host swapped, so the real SDK can talk to a local fake of the API.
 */
async function twilioClient(options: TwilioSenderOptions): Promise<TwilioClient> {
  const [{ default: createClient }, { default: RequestClientClass }] = await Promise.all([import("twilio"), import("twilio/lib/base/RequestClient.js")]);
  class RedirectingRequestClient extends RequestClientClass {
    constructor(private readonly baseUrl: string) {
      super({ autoRetry: false });
    }

    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const url = new URL(opts.uri);
      const target = new URL(this.baseUrl);
      url.protocol = target.protocol;
      url.host = target.host;
      return super.request({ ...opts, uri: url.toString() });
    }
  }
  return createClient(options.accountSid, options.authToken, {
    ...(options.apiBaseUrl ? { httpClient: new RedirectingRequestClient(options.apiBaseUrl) } : {}),
  });
}

/**
 * Sends through Twilio's Messages API with the official SDK; each message carries the
 * StatusCallback URL so delivery reports come back to POST /v1/sms/status.
 */
export class TwilioSmsSender implements SmsSender {
  readonly name = "twilio";
  private client: Promise<TwilioClient> | null = null;

  constructor(private readonly options: TwilioSenderOptions) {}

  async send(message: OutgoingSms): Promise<SentSms> {
    // A failed load is not remembered: the next message tries again.
    this.client ??= twilioClient(this.options).catch((error: unknown) => {
      this.client = null;
      throw error;
    });
    const client = await this.client;
    const sent = await client.messages.create({
      to: message.to,
      body: message.body,
      ...(this.options.messagingServiceSid ? { messagingServiceSid: this.options.messagingServiceSid } : { from: this.options.from! }),
      ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
    });
    return { providerSid: sent.sid, status: sent.status === "queued" || sent.status === "accepted" ? "queued" : "sent" };
  }
}
