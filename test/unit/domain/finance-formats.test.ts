// The line-by-line writers of the export files against the library they stand in for: a cell
// from csvCell is exactly what semicolonLines (csv-stringify) writes, and germanDates' remembered
// quarter hours give germanDate's answer for every instant, across both changes of summer time.
import { describe, expect, it } from "vitest";
import { csvCell, datevRow, germanAmount, germanDate, germanDates, semicolonLines } from "../../../src/domain/finance-formats";

describe("csvCell", () => {
  it("writes a cell as semicolonLines does, for hand-picked and random text", () => {
    const picked = ["", "plain", "a;b", 'say "hi"', '"', ";", "a\r\nb", "ends\r", "\rstarts", "lone\nnewline", "tab\there", "Jürgen Äbel-Groß", "=1+2", "-5", " spaced ", '";\r\n'];
    const alphabet = ["a", ";", '"', "\r", "\n", " ", "ü", ","];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const generated = Array.from({ length: 2000 }, () => Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""));
    for (const value of [...picked, ...generated]) {
      expect(`${csvCell(value)};${csvCell("x")}\r\n`, JSON.stringify(value)).toBe(semicolonLines([[value, "x"]]));
    }
  });
});

describe("datevRow", () => {
  it("writes the line semicolonLines writes for the same cells, quoting text with semicolons and quotes", () => {
    const date = new Date("2026-03-29T00:30:00Z"); // 01:30 in Berlin, the night summer time begins
    const cases: [string, string][] = [["4711", "Aufwandsentschädigung Jürgen Äbel 4711"], ['A;"1"', 'Name; mit "Zitat" und einer Länge über sechzig Zeichen, die abgeschnitten wird']];
    for (const [document, text] of cases) {
      const booking = { amountCents: 123456, account: "6300", contraAccount: "1800", date, document, text };
      expect(datevRow(booking)).toBe(
        semicolonLines([[germanAmount(123456), "S", "EUR", "", "", "", "6300", "1800", "", "2903", document.slice(0, 36), "", "", text.slice(0, 60)]]),
      );
    }
  });
});

describe("germanDates", () => {
  it("agrees with germanDate at every quarter hour and odd minutes of the days around the changes of summer time", () => {
    const dateOf = germanDates();
    for (const day of ["2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25", "2026-12-31"]) {
      const start = Date.parse(`${day}T00:00:00Z`) - 6 * 3_600_000;
      for (let time = start; time < start + 36 * 3_600_000; time += 7 * 60_000 + 13_001) {
        expect(dateOf(time), new Date(time).toISOString()).toBe(germanDate(new Date(time)));
      }
    }
  });

  it("answers in any order, and after forgetting what it remembered", () => {
    const dateOf = germanDates();
    const times = Array.from({ length: 25_000 }, (_, index) => Date.parse("2020-01-01T00:00:00Z") + ((index * 7919) % 25_000) * 900_000 + 899_999);
    for (const time of times) expect(dateOf(time)).toBe(germanDate(new Date(time)));
  });
});
