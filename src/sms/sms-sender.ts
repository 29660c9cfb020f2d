/** One SMS handed to a provider. */
export interface OutgoingSms {
  to: string;
  body: string;
  /** Where the provider reports delivery status (Twilio's StatusCallback). */
  statusCallbackUrl?: string;
}

export interface SentSms {
  /** The provider's id (Twilio's MessageSid), used to match status callbacks. */
  providerSid: string;
  status: "queued" | "sent";
}

/** Sends SMS. Every implementation may throw; the outbox retries with backoff. */
export interface SmsSender {
  readonly name: string;
  send(message: OutgoingSms): Promise<SentSms>;
}

/**
 * The `outbox` provider: records messages without sending them anywhere (a pool without an SMS
 * contract reads them at GET /v1/sms/messages). Tests use it to see what went out, and can make
 * it fail.
 */
export class RecordingSmsSender implements SmsSender {
  readonly name = "outbox";
  readonly sent: (OutgoingSms & { providerSid: string })[] = [];
  private failures: ((message: OutgoingSms) => Error | null)[] = [];
  private counter = 0;

  async send(message: OutgoingSms): Promise<SentSms> {
    for (const failure of this.failures) {
      const error = failure(message);
      if (error) throw error;
    }
    this.counter += 1;
    const providerSid = `SMOUTBOX${Date.now().toString(16)}${this.counter.toString(16).padStart(8, "0")}${crypto.randomUUID().slice(0, 8)}`;
    this.sent.push({ ...message, providerSid });
    return { providerSid, status: "sent" };
  }

  /** Makes sends fail while `predicate` returns an error (tests). */
  failWhen(predicate: (message: OutgoingSms) => Error | null): void {
    this.failures.push(predicate);
  }

  clearFailures(): void {
    this.failures = [];
  }

  to(phone: string): string[] {
    return this.sent.filter((message) => message.to === phone).map((message) => message.body);
  }
}
