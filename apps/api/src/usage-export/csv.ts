/**
 * RFC 4180 records, written here rather than with a CSV library: the whole format is the quoting rule
 * below, and the repository has no CSV dependency (adding one for six lines was not worth it).
 *
 * A field is quoted when it holds a comma, a double quote, CR or LF; a double quote inside is doubled.
 * Records end with CRLF. (Formula injection — a cell starting with `=`, `+`, `-`, `@` — cannot arise from
 * the export's fields: deployment names are DNS labels starting with a letter, dimensions and units are
 * the seeded meters', quantities are non-negative decimals and times are ISO 8601.)
 */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
