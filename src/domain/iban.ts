import { electronicFormatIBAN, isValidIBAN } from "ibantools";

/**
 * An IBAN in electronic format (no spaces, upper case) if its checksum and country format are
 * valid, otherwise null.
 *
 * @example
 * normaliseIban("de89 3704 0044 0532 0130 00"); // "DE89370400440532013000"
 */
export function normaliseIban(input: string): string | null {
  const electronic = electronicFormatIBAN(input);
  return electronic && isValidIBAN(electronic) ? electronic : null;
}
