import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient";
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

/** Twilio's request client with its host swapped, so the real SDK can talk to a local fake of the API. */
class RedirectingRequestClient extends RequestClient {
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

/**
 * Sends through Twilio's Messages API with the official SDK; each message carries the
 * StatusCallback URL so delivery reports come back to POST /v1/sms/status.
 */
export class TwilioSmsSender implements SmsSender {
  readonly name = "twilio";
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly options: TwilioSenderOptions) {
    this.client = twilio(options.accountSid, options.authToken, {
      ...(options.apiBaseUrl ? { httpClient: new RedirectingRequestClient(options.apiBaseUrl) } : {}),
    });
  }

  async send(message: OutgoingSms): Promise<SentSms> {
    const sent = await this.client.messages.create({
      to: message.to,
      body: message.body,
      ...(this.options.messagingServiceSid ? { messagingServiceSid: this.options.messagingServiceSid } : { from: this.options.from! }),
      ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
    });
    return { providerSid: sent.sid, status: sent.status === "queued" || sent.status === "accepted" ? "queued" : "sent" };
  }
}
