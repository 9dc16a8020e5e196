// [[tool.binwheel.include]] applied to an upstream archive: each matching file is deflated while
// it streams out of the archive (and its headers read if it is a binary), then placed at its wheel
// path. With the member cache, the scan is remembered per asset, so building the same asset again
// reads neither the archive nor the binaries.
//
// Archive paths are matched after dropping one common top-level folder ("toondb-0.3.2/bin/x" is
// matched as "bin/x"); a pattern may also spell that folder out. Whether the archive has such a
// folder is only known at its end, so during the scan a file is kept if it matches either way,
// and the choice is made afterwards.
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { fail } from "../errors.js";
import { HeadCapture } from "../inspect/capture.js";
import { inspectBuffer, type BinaryInfo } from "../inspect/inspect.js";
import { detail } from "../log.js";
import type { TargetPlan } from "../plan/target-plan.js";
import { BLOCK } from "../codec/libdeflate.js";
import { sha256OfFile } from "../fs/hash.js";
import { DamagedCacheFile, type Member, type MemberSink } from "./member.js";
import type { ManifestEntry, MemberCache } from "./member-cache.js";
import type { ArchiveEntry } from "../archive/entries.js";
import { ArchiveGuard } from "../archive/guard.js";
import { checkMagic, formatFromName, type AssetFormat } from "../archive/format.js";
import { readArchive } from "../archive/read.js";
import { takingTurns } from "./turns.js";

export interface IncludedFile {
  wheelPath: string;
  /** 0o755 or 0o644. */
  mode: number;
  member: Member;
  archivePath: string;
  /** What the file's headers say, when it is an executable or library. */
  binary?: BinaryInfo;
}

export interface Asset {
  file: string;
  sha256: string;
  /** Taken from the download cache: hashed again before it is read, since the disk may have changed it. */
  cached?: boolean;
  /** A local folder (a path source): read as the layout itself. */
  folder?: boolean;
}

interface Rule {
  label: string;
  toDir: string;
  /** The file name its single match gets (`as`). */
  asName?: string;
  matches: (p: string) => boolean;
  base: string;
}

/** One archive entry as the scan saw it; files any rule matches carry their member. */
interface Scanned extends Omit<ManifestEntry, "member"> {
  member?: Member;
}

/** The rules matching `entryPath`: [rule, matched path] without and with the top folder dropped. */
function matchesOf(rules: Rule[], entryPath: string): { whole: [number, string][]; stripped: [number, string][] } {
  const slash = entryPath.indexOf("/");
  const inner = slash < 0 ? undefined : entryPath.slice(slash + 1);
  const whole: [number, string][] = [];
  const stripped: [number, string][] = [];
  rules.forEach((rule, i) => {
    if (rule.matches(entryPath)) whole.push([i, entryPath]);
    if (inner !== undefined && rule.matches(inner)) stripped.push([i, inner]);
  });
  // With a common top folder a rule uses the stripped path, or the whole path if only that matched.
  return { whole, stripped: [...stripped, ...whole.filter(([i]) => !stripped.some(([j]) => j === i))] };
}

/** `cache` remembers the scan. */
export async function includeFromArchive(asset: Asset, plan: TargetPlan, sink: MemberSink, cache?: MemberCache): Promise<IncludedFile[]> {
  const rules: Rule[] = plan.include.map((r) => ({
    label: r.label,
    toDir: r.toDir,
    ...(r.asName !== undefined && { asName: r.asName }),
    matches: picomatch(r.fromGlob, { dot: true }),
    base: picomatch.scan(r.fromGlob).base,
  }));
  const format: AssetFormat = asset.folder ? { container: "folder" } : formatFromName(plan.assetName);
  // A bare file's one entry is named after the asset, not its bytes: two names, two manifests.
  const manifestKey = format.container === "file" ? `${asset.sha256}-${createHash("sha256").update(format.member).digest("hex").slice(0, 16)}` : asset.sha256;
  let entries = cache ? fromManifest(cache, manifestKey, rules) : undefined;
  if (entries) {
    detail(`${plan.assetName}: using the compressed members cached from an earlier build`);
  } else {
    if (asset.cached && (await sha256OfFile(asset.file)) !== asset.sha256) throw new DamagedCacheFile(asset.file, `the cached ${plan.assetName}`);
    await checkMagic(asset.file, plan.assetName, format);
    entries = await scanTurns(() => scan(asset.file, format, plan, rules, sink));
    await cache?.saveManifest(manifestKey, entries.map(({ member, ...rest }) => ({ ...rest, ...(member && { member: withoutData(member) }) })));
  }
  // Only real archives are packed under a top folder; a folder or a bare file is the layout itself.
  return place(entries, rules, plan, format.container === "tar" || format.container === "zip");
}

function withoutData(member: Member): Omit<Member, "data"> {
  const { data: _, ...rest } = member;
  return rest;
}

/** The entries remembered for this asset, if every file the rules need is still cached. */
function fromManifest(cache: MemberCache, assetSha256: string, rules: Rule[]): Scanned[] | undefined {
  const manifest = cache.manifest(assetSha256);
  if (!manifest) return undefined;
  const out: Scanned[] = [];
  for (const { member, ...entry } of manifest) {
    const { whole, stripped } = matchesOf(rules, entry.path);
    const needed = entry.type === "file" && (whole.length > 0 || stripped.length > 0);
    const cached = member ? cache.member(member) : undefined;
    if (needed && !cached) return undefined;
    out.push({ ...entry, ...(cached && { member: cached }) });
  }
  return out;
}

/** Scans take turns: one keeps every core busy by itself (the deflate pool's workers and this thread). */
const scanTurns = takingTurns();

/** Reads the archive once: every entry checked, every matching file deflated and inspected. */
async function scan(file: string, format: AssetFormat, plan: TargetPlan, rules: Rule[], sink: MemberSink): Promise<Scanned[]> {
  // A folder expands to itself: only the absolute limit applies to it.
  const guard = new ArchiveGuard(plan.assetName, format.container === "folder" ? Number.MAX_SAFE_INTEGER : statSync(file).size);
  const entries: Scanned[] = [];
  const onEntry = async (entry: ArchiveEntry) => {
    if (entry.path === "") return;
    guard.check(entry);
    const scanned: Scanned = { path: entry.path, type: entry.type, mode: entry.mode, ...(entry.linkTarget !== undefined && { linkTarget: entry.linkTarget }) };
    entries.push(scanned);
    const { whole, stripped } = matchesOf(rules, entry.path);
    if (entry.type !== "file" || (whole.length === 0 && stripped.length === 0)) return;
    let binary: BinaryInfo | undefined;
    // Messages name the asset too: a damaged compressed stream can yield bad headers before its CRC fails.
    const name = `${entry.path} in ${plan.assetName}`;
    if (entry.size >= 0 && entry.size < BLOCK) {
      // Small files are read whole (at most 1 MiB): no scratch copy, no worker round trips.
      const content = Buffer.allocUnsafe(entry.size);
      let filled = 0;
      for await (const chunk of entry.open()) filled += chunk.copy(content, filled);
      scanned.member = await sink.addSmall(content);
      binary = await inspectBuffer(content, name);
    } else {
      const capture = new HeadCapture(name);
      const { member, content } = await sink.add(capture.tee(entry.open()));
      scanned.member = member;
      binary = await capture.headers(content, member.size);
    }
    if (binary) scanned.binary = binary;
  };
  await readArchive(file, format, plan.assetName, onEntry, (bytes) => guard.count(bytes));
  return entries;
}

/** Decides the top-folder question, applies the rules and resolves symlinks to their targets. */
function place(entries: Scanned[], rules: Rule[], plan: TargetPlan, mayDropTop: boolean): IncludedFile[] {
  const tops = new Set(entries.map((e) => e.path.split("/")[0]!));
  const files = entries.filter((e) => e.type !== "directory");
  const commonTop = mayDropTop && tops.size === 1 && files.every((e) => e.path.includes("/"));
  const matchCount = rules.map(() => 0);
  const byPath = new Map(files.map((e) => [e.path, e]));
  const placed = new Map<string, IncludedFile>();
  for (const entry of files) {
    const { whole, stripped } = matchesOf(rules, entry.path);
    for (const [ruleIndex, matched] of commonTop ? stripped : whole) {
      const rule = rules[ruleIndex]!;
      if (++matchCount[ruleIndex]! > 1 && rule.asName !== undefined) {
        fail(`${rule.label} renames its file to "${rule.asName}" (as), so it must match one file, but it matches "${entry.path}" too. Narrow the "from" pattern.`);
      }
      const relative = rule.asName ?? (matched.slice(rule.base.length).replace(/^\//, "") || path.posix.basename(matched));
      const wheelPath = `${rule.toDir}/${relative}`;
      const source = resolveLink(entry, byPath, plan.assetName);
      const earlier = placed.get(wheelPath);
      if (earlier && earlier.archivePath !== entry.path) {
        fail(`${rule.label} would put "${entry.path}" at ${wheelPath}, where "${earlier.archivePath}" already goes. Make the include rules send them to different folders.`);
      }
      const executable = (source.mode & 0o111) !== 0 || /\.exe$/i.test(wheelPath);
      placed.set(wheelPath, {
        wheelPath,
        mode: executable ? 0o755 : 0o644,
        member: source.member!,
        archivePath: entry.path,
        ...(source.binary && { binary: source.binary }),
      });
      detail(`${plan.assetName}: ${entry.path} -> ${wheelPath}`);
    }
  }
  rules.forEach((rule, i) => {
    if (matchCount[i]! > 0) return;
    const shown = files.map((f) => (commonTop ? f.path.slice(f.path.indexOf("/") + 1) : f.path));
    const listing = shown.length > 40 ? `${shown.slice(0, 40).join(", ")} and ${shown.length - 40} more` : shown.join(", ");
    fail(
      `${rule.label} matches nothing in ${plan.assetName}, so the wheel would miss those files. ` +
        `The archive holds${commonTop ? ` (inside its top folder ${[...tops][0]}/)` : ""}: ${listing || "no files"}. Fix the "from" pattern.`,
    );
  });
  return [...placed.values()];
}

/** A symlink's content is its target file's (wheels cannot hold links); follows link chains. */
function resolveLink(entry: Scanned, byPath: Map<string, Scanned>, archive: string): Scanned {
  let current = entry;
  for (let hops = 0; current.type === "symlink"; hops++) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(current.path), current.linkTarget ?? ""));
    const next = byPath.get(target);
    if (hops > 32) fail(`${archive}: the symlink "${entry.path}" is part of a loop.`);
    if (!next?.member && next?.type !== "symlink") {
      fail(`${archive}: "${entry.path}" is a symlink to "${target}", which no include rule copies; wheels cannot hold links, so add a rule that matches "${target}" too.`);
    }
    current = next;
  }
  return current;
}
