// From a release's asset names to [tool.binwheel.upstream] and [tool.binwheel.targets]: which
// names are platform builds (platforms.ts reads their OS and architecture words), which naming
// pattern covers the most targets, the asset template that spells every chosen name (built-in
// placeholders where they fit, a `plat` var per target where an upstream spells platforms its own
// way), each target's archive type, and the checksum file that covers them.
import { fail } from "../errors.js";
import { expand } from "../config/template.js";
import { targetInfo } from "../platform/triples.js";
import { recognize } from "./platforms.js";

export interface ListedAsset {
  /** The asset's name; for a folder of assets, its path below the folder ("bin/linux/amd64/kubectl"). */
  name: string;
  size?: number;
  /** The host publishes the asset's sha256 with it (GitHub's digest). */
  digest?: boolean;
}

export interface ChosenTarget {
  triple: string;
  /** The asset's name (or path below the folder). */
  asset: string;
  size?: number;
  /** The target's own placeholders, when the template needs them. */
  vars: Record<string, string>;
  /** The target's archive setting, when the template says {archive} and the default does not fit. */
  archive?: string;
}

export interface ReleaseShape {
  /** The asset template, filled per target with the built-in placeholders and each target's vars. */
  template: string;
  targets: ChosenTarget[];
  /** The checksum file's template, when the release has one that covers the assets. */
  checksums?: string;
  /** Assets left out, and why. */
  skipped: { name: string; why: string }[];
  /** What was assumed rather than read. */
  notes: string[];
}

/** The archive suffixes {archive} can give (config/tool.ts reads the same list), longest first. */
const ARCHIVES = ["tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tgz", "txz", "tbz2", "tzst", "tar", "zip"];
/** Which of a target's candidate archives to take: the default kind first, then the smaller ones. */
const PREFERENCE: Record<"unix" | "windows", string[]> = {
  unix: ["tar.gz", "tgz", "tar.xz", "txz", "tar.zst", "tzst", "tar.bz2", "tbz2", "tar", "zip", ""],
  windows: ["zip", "tar.gz", "tgz", "tar.xz", "txz", "tar.zst", "tzst", "tar.bz2", "tbz2", "tar", ""],
};
const SIGNATURES = /\.(sha1|sha256|sha256sum|sha512|sha512sum|md5|asc|sig|minisig|pem|crt|cert|pub|sbom|spdx|cdx|json|jsonl|sigstore|bundle|txt|md|html|ya?ml|xml)$/i;
const PACKAGES = /\.(deb|rpm|apk|msi|msix|pkg|dmg|snap|flatpak|appimage|nupkg|vsix|whl|jar|sh|ps1|cmd|bat)$/i;
const PER_ASSET_CHECKSUMS = [".sha256", ".sha256sum", ".sha512", ".sha512sum"];
const SEPARATOR = /[-_./ ]/;

/** A version as asset names and tags spell it: 1.2.3, 0.14.0, 2.60.0-rc.1, 1.7.1. */
const VERSION = /(?<=^|[-_./ v])\d+(?:\.\d+){1,3}(?:[-.]?(?:rc|alpha|beta|pre|dev|a|b)\.?\d*)?(?=$|[-_./ ])/gi;

/** The version most asset names spell, for a folder of assets with no tag to read it from. */
export function versionFromNames(names: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const name of names) for (const m of new Set(name.match(VERSION) ?? [])) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)[0]?.[0];
}

/** `name` with each standalone occurrence of `version` replaced by "#"s of the same length. */
function mask(name: string, version: string | undefined): string {
  if (!version) return name;
  let out = name;
  for (let at = out.indexOf(version); at >= 0; at = out.indexOf(version, at + 1)) {
    const before = out[at - 1];
    const after = out[at + version.length];
    if ((before === undefined || SEPARATOR.test(before) || before === "v") && (after === undefined || SEPARATOR.test(after))) {
      out = out.slice(0, at) + "#".repeat(version.length) + out.slice(at + version.length);
    }
  }
  return out;
}

/** The masked text with its "#" runs as {version}. */
const withVersion = (masked: string) => masked.replace(/#+/g, "{version}");

interface Candidate {
  asset: ListedAsset;
  triple: string;
  rank: number;
  assumed?: string;
  /** The name's platform words, as written. */
  span: string;
  /** Before the span, the version as {version}. */
  prefix: string;
  /** After the span, without the archive suffix (or a Windows ".exe"), the version as {version}. */
  rest: string;
  /** The archive suffix ("tar.gz", "zip"), or "" for a bare file. */
  archive: string;
  /** The naming pattern: names that differ only in their platform words share it. */
  pattern: string;
}

function candidate(asset: ListedAsset, version: string | undefined): Candidate | undefined {
  const masked = mask(asset.name, version);
  const found = recognize(masked);
  if (!found) return undefined;
  const [start, end] = found.span;
  const after = withVersion(masked.slice(end));
  const windows = targetInfo(found.triple)!.os === "windows";
  const archive = ARCHIVES.find((a) => after.toLowerCase().endsWith(`.${a}`)) ?? "";
  const rest = archive ? after.slice(0, -archive.length - 1) : windows && /\.exe$/i.test(after) ? after.slice(0, -4) : after;
  const prefix = withVersion(masked.slice(0, start));
  return {
    asset, triple: found.triple, rank: found.rank, ...(found.assumed && { assumed: found.assumed }),
    span: asset.name.slice(start, end), prefix, rest, archive,
    pattern: `${prefix}<platform>${rest}${archive ? ".<archive>" : "<exe>"}`,
  };
}

/**
 * Reads the names of a release (or a folder of assets): the platform builds, the naming pattern
 * that covers the most targets, its template and vars, and the checksum file.
 */
export function shapeOf(assets: ListedAsset[], version: string | undefined): ReleaseShape {
  const skipped: ReleaseShape["skipped"] = [];
  const candidates: Candidate[] = [];
  for (const asset of assets) {
    const base = asset.name.split("/").pop()!;
    if (SIGNATURES.test(base)) continue; // checksum lists, signatures, SBOMs: read below, never a build
    if (PACKAGES.test(base)) {
      skipped.push({ name: asset.name, why: "an installer or OS package, not an archive" });
      continue;
    }
    const c = candidate(asset, version);
    if (c) candidates.push(c);
    else if (!/sha\d|checksum|sums?$/i.test(base)) skipped.push({ name: asset.name, why: "names no platform binwheel builds wheels for" });
  }
  const patterns = new Map<string, Candidate[]>();
  for (const c of candidates) patterns.set(c.pattern, [...(patterns.get(c.pattern) ?? []), c]);
  const ranked = [...patterns.values()].map((group) => chooseTargets(group)).sort((a, b) => b.length - a.length || a[0]!.pattern.length - b[0]!.pattern.length);
  const chosen = ranked[0];
  if (!chosen) {
    fail(
      `none of the ${assets.length} assets is named like a build for Linux, macOS or Windows, so binwheel init cannot tell which to package` +
        (assets.length ? ` (they are: ${assets.slice(0, 20).map((a) => a.name).join(", ")}${assets.length > 20 ? ", ..." : ""})` : "") +
        ". Write [tool.binwheel.upstream] and [tool.binwheel.targets] by hand (see the recipes in the docs).",
    );
  }
  const notes: string[] = [];
  for (const c of candidates) {
    if (chosen.includes(c)) continue;
    const same = chosen.find((x) => x.triple === c.triple);
    skipped.push({ name: c.asset.name, why: c.pattern === chosen[0]!.pattern ? `${same ? same.asset.name : "another asset"} serves ${c.triple}` : `another naming pattern than the one chosen (${chosen.length} targets)` });
  }
  for (const c of chosen) if (c.assumed) notes.push(`${c.asset.name}: ${c.assumed}`);
  const { template, targets } = templateOf(chosen);
  const checksums = checksumsOf(assets, chosen, version);
  return { template, targets, ...(checksums && { checksums }), skipped, notes };
}

/** Linux, then macOS, then Windows, as the documentation lists targets. */
const order = (triple: string) => ["linux", "macos", "windows"].indexOf(targetInfo(triple)!.os);

/** One candidate per triple (the best ranked, then the preferred archive, then the shortest name); no universal2 beside both Macs. */
function chooseTargets(group: Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  const kind = (c: Candidate) => PREFERENCE[targetInfo(c.triple)!.os === "windows" ? "windows" : "unix"].indexOf(c.archive);
  for (const c of group) {
    const held = best.get(c.triple);
    if (!held || c.rank > held.rank || (c.rank === held.rank && (kind(c) < kind(held) || (kind(c) === kind(held) && c.asset.name.length < held.asset.name.length)))) best.set(c.triple, c);
  }
  if (best.has("x86_64-apple-darwin") && best.has("aarch64-apple-darwin")) best.delete("universal2-apple-darwin");
  return [...best.values()].sort((a, b) => order(a.triple) - order(b.triple) || a.triple.localeCompare(b.triple));
}

/** The template that spells every chosen name, with each target's vars and archive setting. */
function templateOf(chosen: Candidate[]): { template: string; targets: ChosenTarget[] } {
  const { prefix, rest } = chosen[0]!;
  const archives = new Set(chosen.map((c) => c.archive));
  const bare = archives.has("");
  const oneArchive = archives.size === 1 ? chosen[0]!.archive : undefined;
  const suffix = bare ? (chosen.some((c) => targetInfo(c.triple)!.os === "windows") ? "{exe}" : "") : oneArchive ? `.${oneArchive}` : ".{archive}";
  const spans = builtInSpan(chosen);
  const template = `${prefix}${spans ?? "{plat}"}${rest}${suffix}`;
  const targets = chosen.map((c): ChosenTarget => {
    const info = targetInfo(c.triple)!;
    const vars: Record<string, string> = spans === undefined ? { plat: c.span } : {};
    if (spans === undefined && !/^[A-Za-z0-9._+~-]{1,100}$/.test(c.span)) {
      fail(`binwheel init cannot name ${c.asset.name}'s platform ("${c.span}") with a var (it holds characters a var may not). Write [tool.binwheel.upstream] by hand, with assets = { "${c.triple}" = "..." }.`);
    }
    const archive = suffix === ".{archive}" && c.archive !== info.archive ? c.archive : undefined;
    return { triple: c.triple, asset: c.asset.name, ...(c.asset.size !== undefined && { size: c.asset.size }), vars, ...(archive && { archive }) };
  });
  return { template, targets };
}

/** The placeholders every target's value of, as GoReleaser and Rust spell them (lowercase and title-cased). */
function placeholderValues(triple: string): [string, string][] {
  const t = targetInfo(triple)!;
  const plain: [string, string][] = [["target", t.triple], ["platform", `${t.os}-${t.arch}`], ["goos", t.goos], ["os", t.os], ["goarch", t.goarch], ["arch", t.arch]];
  const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [...plain, ...plain.map(([n, v]): [string, string] => [title(n), title(v)])];
}

/**
 * The platform words of every chosen name spelled with built-in placeholders and shared literal
 * characters ("{goos}_{goarch}", "{target}", "{Os}-{arch}"), or undefined when no such spelling
 * fits them all (then each target gets a var). A placeholder ends where a word ends.
 */
function builtInSpan(chosen: Candidate[]): string | undefined {
  const spans = chosen.map((c) => c.span);
  const values = chosen.map((c) => placeholderValues(c.triple));
  const names = values[0]!.map(([n]) => n);
  const failed = new Set<string>();
  const walk = (at: number[]): string | undefined => {
    if (at.every((p, i) => p === spans[i]!.length)) return "";
    const key = at.join(",");
    if (failed.has(key)) return undefined;
    for (let n = 0; n < names.length; n++) {
      const next = at.map((p, i) => {
        const value = values[i]![n]![1];
        const end = p + value.length;
        return spans[i]!.startsWith(value, p) && (end === spans[i]!.length || SEPARATOR.test(spans[i]![end]!)) ? end : -1;
      });
      if (next.every((p) => p >= 0)) {
        const tail = walk(next);
        if (tail !== undefined) return `{${names[n]}}${tail}`;
      }
    }
    const char = spans[0]![at[0]!];
    if (char !== undefined && !/[{}]/.test(char) && at.every((p, i) => spans[i]![p] === char)) {
      const tail = walk(at.map((p) => p + 1));
      if (tail !== undefined) return `${char}${tail}`;
    }
    failed.add(key);
    return undefined;
  };
  const span = walk(spans.map(() => 0));
  // A spelling made of literals alone would ignore the platform; it cannot happen for two targets, but never trust it.
  if (span === undefined || !/\{/.test(span)) return undefined;
  const ok = chosen.every((c) => expand(span, Object.fromEntries(placeholderValues(c.triple))) === c.span);
  return ok ? span : undefined;
}

/** The checksum file covering the chosen assets: one per asset ({asset}.sha256), else one list for the release. */
function checksumsOf(assets: ListedAsset[], chosen: Candidate[], version: string | undefined): string | undefined {
  const names = new Set(assets.map((a) => a.name));
  const own = PER_ASSET_CHECKSUMS.find((suffix) => chosen.every((c) => names.has(`${c.asset.name}${suffix}`)));
  if (own) return `{asset}${own}`;
  const lists = assets
    .map((a) => a.name)
    .filter((n) => !n.includes("/") && /sha256|sha512|checksum|shasum|sums?(\.txt)?$/i.test(n) && !/\.(sig|asc|pem|minisig|sigstore|bundle|json|jsonl|pub|crt|cert)$/i.test(n) && !PER_ASSET_CHECKSUMS.some((s) => n.toLowerCase().endsWith(s)));
  const score = (n: string) => (/sha256/i.test(n) ? 4 : 0) + (/sha512/i.test(n) ? 1 : 0) + (/checksums?/i.test(n) ? 2 : 0);
  const best = lists.sort((a, b) => score(b) - score(a) || a.length - b.length)[0];
  return best === undefined ? undefined : withVersion(mask(best, version));
}
