import { describe, expect, it } from "vitest";
import { distanceKm, parseGeonamesPostcodes } from "../../../src/domain/geo";

describe("distanceKm", () => {
  it("measures straight-line distances", () => {
    const dueren = { latitude: 50.8, longitude: 6.4833 };
    const koeln = { latitude: 50.9375, longitude: 6.9603 };
    expect(distanceKm(dueren, koeln)).toBeGreaterThan(35);
    expect(distanceKm(dueren, koeln)).toBeLessThan(38);
    expect(distanceKm(dueren, dueren)).toBe(0);
    expect(distanceKm(koeln, dueren)).toBeCloseTo(distanceKm(dueren, koeln), 9);
  });
});

describe("parseGeonamesPostcodes", () => {
  const line = (postcode: string, place: string, lat: string, lon: string, country = "DE") =>
    [country, postcode, place, "Nordrhein-Westfalen", "NW", "Köln", "053", "Düren", "05358", lat, lon, "4"].join("\t");

  it("reads rows, averages postcodes with several places and skips other countries", () => {
    const text = [line("52351", "Düren", "50.8", "6.48"), line("52349", "Düren", "50.80", "6.50"), line("52349", "Birgel", "50.78", "6.46"), line("1010", "Wien", "48.2", "16.37", "AT")].join("\n");
    const { rows, problems } = parseGeonamesPostcodes(text);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(2);
    const averaged = rows.find((row) => row.postcode === "52349")!;
    expect(averaged.latitude).toBeCloseTo(50.79, 6);
    expect(averaged.longitude).toBeCloseTo(6.48, 6);
    expect(averaged.place).toBe("Düren");
  });

  it("reports unreadable lines with their number", () => {
    const { problems } = parseGeonamesPostcodes([line("52351", "Düren", "50.8", "6.48"), line("5235", "X", "50", "6"), line("52352", "Y", "north", "6")].join("\n"));
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
  });
});
