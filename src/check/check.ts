// `binwheel check FILE...`: a report per file, each finding with its code and severity (codes.ts).
// A file fails on an error, and under `strict` on a warning too (binwheel's own release is strict
// on its own files). `select` and `ignore` take codes or prefixes of codes, as ruff's do.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fail, usage } from "../errors.js";
import { CODES, codesMatching, type CodeId } from "./codes.js";
import { Findings, type Finding } from "./findings.js";
import { checkSdist } from "./sdist.js";
import { checkWheel } from "./wheel.js";

export interface CheckOptions {
  /** Codes or code prefixes to report; all when empty. */
  select: string[];
  /** Codes or code prefixes not to report. */
  ignore: string[];
  /** Warnings fail a file too. */
  strict: boolean;
}

export const DEFAULT_OPTIONS: CheckOptions = { select: [], ignore: [], strict: false };

export interface FileReport {
  path: string;
  kind: "wheel" | "sdist";
  findings: Finding[];
  /** Findings of a code past the first 20, counted. */
  omitted: Partial<Record<CodeId, number>>;
}

/** The kind of distribution a file name says, or undefined. */
export function kindOf(file: string): FileReport["kind"] | undefined {
  return file.endsWith(".whl") ? "wheel" : file.endsWith(".tar.gz") ? "sdist" : undefined;
}

/** Checks one file, reporting every finding (no selection). */
export async function checkFile(file: string): Promise<FileReport> {
  const kind = kindOf(file);
  if (!kind) fail(`${file} is not a wheel (.whl) or an sdist (.tar.gz).`);
  const findings = new Findings();
  const scratch = await mkdtemp(path.join(tmpdir(), "binwheel-check-"));
  try {
    if (kind === "wheel") await checkWheel(file, scratch, findings);
    else await checkSdist(file, findings);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { path: file, kind, ...findings.done() };
}

/**
 * Checks `files` one after the other (checkInWorkers spreads them over threads) and keeps the
 * findings `options` select.
 */
export async function checkFiles(files: string[], options: CheckOptions = DEFAULT_OPTIONS): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) reports.push(await checkFile(file));
  return select(reports, options);
}

/** The reports with only the codes `options` select. */
export function select(reports: FileReport[], options: CheckOptions): FileReport[] {
  const keep = selection(options);
  return reports.map((r) => ({
    ...r,
    findings: r.findings.filter((f) => keep(f.code)),
    omitted: Object.fromEntries(Object.entries(r.omitted).filter(([code]) => keep(code))),
  }));
}

/** Whether a code is reported under --select/--ignore; an unknown code or prefix is an error. */
export function selection({ select: selected, ignore }: Pick<CheckOptions, "select" | "ignore">): (code: string) => boolean {
  for (const prefix of [...selected, ...ignore]) {
    if (codesMatching(prefix).length === 0) {
      const near = CODES.filter((c) => c.code.startsWith(prefix.toUpperCase().slice(0, 3))).map((c) => c.code);
      usage(`"${prefix}" is no binwheel check code or prefix of codes${near.length ? ` (codes starting ${prefix.toUpperCase().slice(0, 3)}: ${near.join(", ")})` : ` (codes are ${CODES[0]!.code} to ${CODES.at(-1)!.code})`}.`);
    }
  }
  const matches = (code: string, prefixes: string[]) => prefixes.some((p) => code.startsWith(p.toUpperCase()));
  return (code) => (selected.length === 0 || matches(code, selected)) && !matches(code, ignore);
}

/** True when the file fails: an error, or a warning under `strict`. */
export function failed(report: FileReport, strict: boolean): boolean {
  return report.findings.some((f) => f.severity === "error" || strict)
    || Object.keys(report.omitted).some((code) => strict || CODES.find((c) => c.code === code)!.severity === "error");
}
