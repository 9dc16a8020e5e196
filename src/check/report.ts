// How `binwheel check` prints its reports: text for people, and JSON for tools, whose shape is
// documented and stable (REPORT_VERSION changes only when a field changes meaning or goes away;
// new fields may appear).
import { codeInfo, type CodeId } from "./codes.js";
import { failed, type FileReport } from "./check.js";

export const REPORT_VERSION = 1;

/** One line per file (ok, warned, FAILED), then one per finding: code, severity, message. */
export function formatText(reports: FileReport[], strict: boolean): string {
  return reports.map((r) => {
    const status = failed(r, strict) ? "FAILED" : r.findings.length || Object.keys(r.omitted).length ? "warned" : "ok";
    const lines = r.findings.map((f) => `        ${f.code} ${f.severity.padEnd(7)} ${f.message}\n`);
    for (const [code, n] of Object.entries(r.omitted)) lines.push(`        ${code} ${codeInfo(code as CodeId).severity.padEnd(7)} ... and ${n} more like this\n`);
    return `${status.padEnd(8)}${r.path}\n${lines.join("")}`;
  }).join("");
}

/**
 * The JSON report:
 *   { "version": 1,
 *     "files": [{ "path", "kind": "wheel"|"sdist", "passed": bool, "errors": n, "warnings": n,
 *                 "findings": [{ "code", "severity": "error"|"warning", "message", "rule" }],
 *                 "omitted": { "<code>": n } }],
 *     "summary": { "files": n, "failed": n, "errors": n, "warnings": n } }
 * `errors` and `warnings` count omitted findings too; `passed` follows --strict.
 */
export function formatJson(reports: FileReport[], strict: boolean): string {
  const count = (r: FileReport, severity: string) =>
    r.findings.filter((f) => f.severity === severity).length
    + Object.entries(r.omitted).reduce((n, [code, more]) => n + (codeInfo(code as CodeId).severity === severity ? more! : 0), 0);
  const files = reports.map((r) => ({
    path: r.path,
    kind: r.kind,
    passed: !failed(r, strict),
    errors: count(r, "error"),
    warnings: count(r, "warning"),
    findings: r.findings,
    omitted: r.omitted,
  }));
  const summary = {
    files: files.length,
    failed: files.filter((f) => !f.passed).length,
    errors: files.reduce((n, f) => n + f.errors, 0),
    warnings: files.reduce((n, f) => n + f.warnings, 0),
  };
  return `${JSON.stringify({ version: REPORT_VERSION, files, summary }, null, 2)}\n`;
}
