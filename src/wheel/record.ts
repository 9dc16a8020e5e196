// RECORD: one CSV row per file (path, sha256=<urlsafe b64>, size), RECORD itself last and bare.

export interface RecordRow {
  path: string;
  sha256: string;
  size: number;
}

/** CSV quoting as Python's csv module does with its defaults (QUOTE_MINIMAL). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function renderRecord(rows: RecordRow[], recordPath: string): string {
  return rows.map((r) => `${csvField(r.path)},sha256=${r.sha256},${r.size}\n`).join("") + `${csvField(recordPath)},,\n`;
}
