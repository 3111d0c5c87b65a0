/**
 * One CSV cell (RFC 4180), always quoted: a spreadsheet that splits on ";" (Excel in a German
 * locale) or a tab must not find a new cell inside a value. A value that a spreadsheet would read
 * as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe,
 * so opening an export never runs what someone typed into a user agent or a name (CSV injection).
 */
export function csvCell(value: string | null | undefined): string {
  let s = value ?? '';
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replaceAll('"', '""')}"`;
}

export function csvLine(cells: readonly (string | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
