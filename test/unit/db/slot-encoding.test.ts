import { describe, expect, it } from "vitest";
import { slotsOf } from "../../../src/features/bookings/matching-facts";

// The facts statement reads each weekly slot as weekday·10⁸ + fromMinute·10⁴ + toMinute (an int
// array costs PostgreSQL far less than JSON objects), the array as one comma-separated text. The
// extremes the CHECK allows come back whole.
describe("slotsOf", () => {
  it("decodes every slot the database allows, in order", () => {
    expect(slotsOf([100000000 + 0 + 1, 700000000 + 1439 * 10000 + 1440, 300000000 + 480 * 10000 + 1020].join(","))).toEqual([
      { weekday: 1, fromMinute: 0, toMinute: 1 },
      { weekday: 7, fromMinute: 1439, toMinute: 1440 },
      { weekday: 3, fromMinute: 480, toMinute: 1020 },
    ]);
  });

  it("gives no slots for none", () => {
    expect(slotsOf("")).toEqual([]);
  });
});
