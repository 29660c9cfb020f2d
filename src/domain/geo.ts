export interface Coordinates {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_KM = 6371;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Straight-line distance on the earth's surface (haversine), in km.
 *
 * @example
 * distanceKm({ latitude: 50.8, longitude: 6.48 }, { latitude: 50.94, longitude: 6.96 }); // ≈ 37 (Düren–Köln)
 */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface PostcodeRow extends Coordinates {
  postcode: string;
  place: string | null;
}

/**
 * Reads GeoNames' postal code file (tab-separated: country, postcode, place, admin names and
 * codes, latitude, longitude, accuracy), e.g. DE.txt from the GeoNames export. A postcode with
 * several places gets the mean of their coordinates; rows of other countries are skipped.
 *
 * @example
 * parseGeonamesPostcodes("DE\t52351\tDüren\tNRW\tNW\t\t\t\t\t50.8\t6.48\t4\n", "DE");
 * // { rows: [{ postcode: "52351", place: "Düren", latitude: 50.8, longitude: 6.48 }], problems: [] }
 */
export function parseGeonamesPostcodes(text: string, country = "DE"): { rows: PostcodeRow[]; problems: { line: number; message: string }[] } {
  const sums = new Map<string, { lat: number; lon: number; count: number; place: string | null }>();
  const problems: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const cells = line.split("\t");
    if (cells[0] !== country) return;
    const postcode = cells[1]?.trim() ?? "";
    const latitude = Number(cells[9]);
    const longitude = Number(cells[10]);
    if (!/^\d{5}$/.test(postcode) || !Number.isFinite(latitude) || !Number.isFinite(longitude) || cells[9] === "" || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      problems.push({ line: index + 1, message: "Expected country, 5-digit postcode, place, …, latitude (column 10), longitude (column 11)" });
      return;
    }
    const sum = sums.get(postcode) ?? { lat: 0, lon: 0, count: 0, place: cells[2]?.trim() || null };
    sum.lat += latitude;
    sum.lon += longitude;
    sum.count += 1;
    sums.set(postcode, sum);
  });
  const rows = [...sums].map(([postcode, sum]) => ({ postcode, place: sum.place, latitude: sum.lat / sum.count, longitude: sum.lon / sum.count }));
  return { rows, problems };
}
