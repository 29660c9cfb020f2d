import { describe, expect, it } from "vitest";
import { statementParams } from "../../src/features/bookings/booking-history";

describe("statementParams", () => {
  it("gives the same value with the same cast one placeholder, and everything else its own", () => {
    const { values, param } = statementParams();
    const at = new Date("2027-03-01T08:00:00.000Z");
    const placeholders = [
      param("b1", "::uuid"),
      param(new Date(at), "::timestamptz"),
      param("b1", "::uuid"), // same value, same cast: shared
      param("b1", "::text"), // another cast: its own
      param(new Date(at.getTime()), "::timestamptz"), // the same instant in another Date: shared
      param(null, "::uuid"),
      param(null, "::uuid"),
      param(null, "::text"),
      param(1, "::int"),
      param("1", "::int"), // a string is not the number
      param(["a"], "::text[]"),
      param(["a"], "::text[]"), // arrays never share
    ];
    expect(placeholders).toEqual(["$1::uuid", "$2::timestamptz", "$1::uuid", "$3::text", "$2::timestamptz", "$4::uuid", "$4::uuid", "$5::text", "$6::int", "$7::int", "$8::text[]", "$9::text[]"]);
    expect(values).toEqual(["b1", at, "b1", null, null, 1, "1", ["a"], ["a"]]);
  });
});
