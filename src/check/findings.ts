// What `binwheel check` found in one file: findings in the order found, each with its code. Past
// LIMIT findings of one code the rest are only counted, so a wheel of 50,000 unlisted files gives
// a readable report.
import { codeInfo, type CodeId, type Severity } from "./codes.js";

/** Findings of one code spelled out before the rest are only counted. */
const LIMIT = 20;

export interface Finding {
  code: CodeId;
  severity: Severity;
  message: string;
  /** The spec section or PyPI rule (a URL). */
  rule: string;
}

export class Findings {
  private readonly list: Finding[] = [];
  private readonly counts = new Map<CodeId, number>();

  add(code: CodeId, message: string): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n > LIMIT) return;
    const { severity, rule } = codeInfo(code);
    this.list.push({ code, severity, message, rule });
  }

  /** The findings, and how many of each code were left out past LIMIT. */
  done(): { findings: Finding[]; omitted: Partial<Record<CodeId, number>> } {
    const omitted: Partial<Record<CodeId, number>> = {};
    for (const [code, n] of this.counts) if (n > LIMIT) omitted[code] = n - LIMIT;
    return { findings: this.list, omitted };
  }
}
