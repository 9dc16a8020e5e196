// [[tool.binwheel.include]] applied to an upstream archive in one streaming pass: each matching
// file is deflated into the spool as it goes by, then placed at its wheel path.
//
// Archive paths are matched after dropping one common top-level folder ("toondb-0.3.2/bin/x"
// is matched as "bin/x"); a pattern may also spell that folder out. Whether the archive has such
// a folder is only known at its end, so during the pass a file is kept if it matches either way,
// and the choice is made afterwards.
import { statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { fail } from "../errors.js";
import { detail } from "../log.js";
import { BinaryCapture } from "../inspect/capture.js";
import type { BinaryInfo } from "../inspect/inspect.js";
import type { Member, Spool } from "../wheel/member.js";
import type { TargetPlan } from "../target/plan.js";
import type { ArchiveEntry } from "./entries.js";
import { ArchiveGuard } from "./guard.js";
import { readArchive } from "./read.js";

export interface IncludedFile {
  wheelPath: string;
  /** 0o755 or 0o644. */
  mode: number;
  member: Member;
  archivePath: string;
  /** What the file's headers say, when it is an executable or library. */
  binary?: BinaryInfo;
}

interface Rule {
  label: string;
  toDir: string;
  matches: (p: string) => boolean;
  base: string;
}

/** A file's candidate placements: [rule index, path the rule matched] per interpretation. */
interface Candidate {
  entry: Pick<ArchiveEntry, "path" | "type" | "mode" | "linkTarget">;
  whole: [number, string][];
  stripped: [number, string][];
  member?: Member;
  binary?: BinaryInfo;
}

/** `scratch` holds the short-lived uncompressed copies of binaries, for their headers. */
export async function includeFromArchive(file: string, plan: TargetPlan, spool: Spool, scratch: string): Promise<IncludedFile[]> {
  const rules: Rule[] = plan.include.map((r) => ({
    label: r.label,
    toDir: r.toDir,
    matches: picomatch(r.fromGlob, { dot: true }),
    base: picomatch.scan(r.fromGlob).base,
  }));
  const candidates: Candidate[] = [];
  const tops = new Set<string>();
  const allFiles: string[] = [];
  let fileAtRoot = false;

  const guard = new ArchiveGuard(plan.assetName, statSync(file).size);
  await readArchive(file, plan.target.archive, plan.assetName, async (entry) => {
    if (entry.path === "") return;
    guard.check(entry);
    const slash = entry.path.indexOf("/");
    tops.add(slash < 0 ? entry.path : entry.path.slice(0, slash));
    if (entry.type === "directory") return;
    if (slash < 0) fileAtRoot = true;
    allFiles.push(entry.path);
    const stripped = slash < 0 ? undefined : entry.path.slice(slash + 1);
    const whole: [number, string][] = [];
    const strippedMatches: [number, string][] = [];
    rules.forEach((rule, i) => {
      if (rule.matches(entry.path)) whole.push([i, entry.path]);
      if (stripped !== undefined && rule.matches(stripped)) strippedMatches.push([i, stripped]);
    });
    if (whole.length === 0 && strippedMatches.length === 0) return;
    const candidate: Candidate = {
      entry: { path: entry.path, type: entry.type, mode: entry.mode, ...(entry.linkTarget !== undefined && { linkTarget: entry.linkTarget }) },
      whole,
      // With a common top folder a rule uses the stripped path, or the whole path if only that matched.
      stripped: [...strippedMatches, ...whole.filter(([i]) => !strippedMatches.some(([j]) => j === i))],
    };
    if (entry.type === "file") {
      const capture = new BinaryCapture(path.join(scratch, "inspected-binary"), entry.path);
      candidate.member = await spool.add(capture.tee(guard.meter(entry.open())));
      const binary = await capture.inspect();
      if (binary) candidate.binary = binary;
    }
    candidates.push(candidate);
  });

  const commonTop = tops.size === 1 && !fileAtRoot;
  const byPath = new Map(candidates.map((c) => [c.entry.path, c]));
  const placed = new Map<string, IncludedFile>();
  const used = new Set<number>();
  for (const candidate of candidates) {
    for (const [ruleIndex, matched] of commonTop ? candidate.stripped : candidate.whole) {
      const rule = rules[ruleIndex]!;
      used.add(ruleIndex);
      const relative = matched.slice(rule.base.length).replace(/^\//, "") || path.posix.basename(matched);
      const wheelPath = `${rule.toDir}/${relative}`;
      const source = resolveLink(candidate, byPath, plan.assetName);
      const earlier = placed.get(wheelPath);
      if (earlier && earlier.archivePath !== candidate.entry.path) {
        fail(`${rule.label} would put "${candidate.entry.path}" at ${wheelPath}, where "${earlier.archivePath}" already goes. Make the include rules send them to different folders.`);
      }
      const executable = (source.entry.mode & 0o111) !== 0 || /\.exe$/i.test(wheelPath);
      placed.set(wheelPath, {
        wheelPath,
        mode: executable ? 0o755 : 0o644,
        member: source.member!,
        archivePath: candidate.entry.path,
        ...(source.binary && { binary: source.binary }),
      });
      detail(`${plan.assetName}: ${candidate.entry.path} -> ${wheelPath}`);
    }
  }
  rules.forEach((rule, i) => {
    if (used.has(i)) return;
    const shown = commonTop ? allFiles.map((f) => f.slice(f.indexOf("/") + 1)) : allFiles;
    const listing = shown.length > 40 ? `${shown.slice(0, 40).join(", ")} and ${shown.length - 40} more` : shown.join(", ");
    fail(
      `${rule.label} matches nothing in ${plan.assetName}, so the wheel would miss those files. ` +
        `The archive holds${commonTop ? ` (inside its top folder ${[...tops][0]}/)` : ""}: ${listing || "no files"}. Fix the "from" pattern.`,
    );
  });
  return [...placed.values()];
}

/** A symlink's content is its target file's (wheels cannot hold links); follows link chains. */
function resolveLink(candidate: Candidate, byPath: Map<string, Candidate>, archive: string): Candidate {
  let current = candidate;
  for (let hops = 0; current.entry.type === "symlink"; hops++) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(current.entry.path), current.entry.linkTarget ?? ""));
    const next = byPath.get(target);
    if (hops > 32) fail(`${archive}: the symlink "${candidate.entry.path}" is part of a loop.`);
    if (!next) {
      fail(`${archive}: "${candidate.entry.path}" is a symlink to "${target}", which no include rule copies; wheels cannot hold links, so add a rule that matches "${target}" too.`);
    }
    current = next;
  }
  return current;
}
