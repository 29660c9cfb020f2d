import { describe, expect, it } from "vitest";
import { scanText } from "../helpers/log-scan";

describe("the suite's log scan", () => {
  it("finds keys, phone numbers, IBANs and known secrets wherever they are in a line", () => {
    const lines = [
      '{"msg":"auth","key":"dp_Jq3vAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc"}',
      '{"err":{"message":"The To number +49 151 12345678 is unreachable"}}',
      '{"note":"call 0151 1234567"}',
      '{"detail":"DE89 3704 0044 0532 0130 00"}',
      '{"token":"my-known-secret-value"}',
    ];
    const kinds = scanText("f", lines.join("\n"), ["my-known-secret-value"]).map((finding) => finding.kind);
    expect(kinds).toEqual(["api key", "phone number", "phone number", "IBAN", "known secret"]);
  });

  it("passes ordinary log lines and the bootstrap key that npm start prints on purpose", () => {
    const text = [
      '{"level":30,"requestId":"0192f1e2-8c4b-7d6e-9f00-123456789abc","route":"/v1/bookings/:id","status":200,"durationMs":3.2,"msg":"request"}',
      '{"time":1795249946851,"at":"2026-11-24T08:00:00.000Z","code":"482913","msg":"dispatch tick"}',
      "  BOOTSTRAP_COORDINATOR_KEY=dp_Jq3vAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc",
      '{"database":"postgres://postgres@127.0.0.1:5432/dp_test_suite_12345_k3j2h1","requestId":"00123456-0012-4345-8678-001234567890"}',
    ].join("\n");
    expect(scanText("f", text, [])).toEqual([]);
  });
});
