// binwheel.lock: the exact upstream assets a project's wheels are built from, one table per target
// (its source, release tag and commit, the asset's name, URL, size and sha256), written by
// `binwheel lock` and read with the project. A build whose plan the lock covers takes the lock's
// sha256 as a pin (plan/target-plan.ts), so what it downloads, or finds in a cache, must be those bytes; the
// lock's upstream version is the one builds take when neither the command line nor
// [tool.binwheel.upstream] version names one. The file is project state, so it is checked as
// hard as a download: every value is validated here, where it enters.
import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { pathProblem } from "../fs/artifact-path.js";
import type { UpstreamConfig } from "./upstream.js";
import { fail, redactUrl } from "../errors.js";
import { isInside, readUtf8 } from "../fs/files.js";
import { targetInfo } from "../platform/triples.js";
import { checkedUpstreamVersion } from "./template.js";
import { describe, isTable } from "./values.js";

export const LOCK_FILE = "binwheel.lock";
const LOCK_VERSION = 1;

export interface LockedAsset {
  /** `github:owner/repo`, `gitlab:group/project`, `url` or `path`: where the asset comes from. */
  source: string;
  /** The release tag (GitHub, GitLab). */
  tag?: string;
  /** The commit the tag points to, where the host says. */
  commit?: string;
  asset: string;
  /** Where the asset was downloaded from (absent for a local path), without login, query or fragment. */
  url?: string;
  size: number;
  sha256: string;
}

export interface Lock {
  upstreamVersion: string;
  /** By target triple. */
  targets: Map<string, LockedAsset>;
}

/** The `source` a lock entry records for `upstream`. */
export function sourceId(upstream: UpstreamConfig): string {
  const { source } = upstream;
  return source.kind === "github" ? `github:${source.owner}/${source.repo}` : source.kind === "gitlab" ? `gitlab:${source.project}` : source.kind;
}

const HEADER = `# binwheel.lock: the exact upstream assets this project's wheels are built from, one table per
# target. Written by \`binwheel lock\`; every build checks the asset it uses against it, and
# --locked (-C locked=true) refuses what it does not cover. Commit it with the project, and
# change it with \`binwheel lock\` (\`binwheel lock --upstream-version V\` moves it to release V).
`;
const ENTRY_KEYS = ["source", "tag", "commit", "asset", "url", "size", "sha256"] as const;

/** The lock as TOML: a header, then the targets sorted, each key in one fixed order. */
export function renderLock(lock: Lock): string {
  const lines = [HEADER, `lock-version = ${LOCK_VERSION}`, `upstream-version = ${quote(lock.upstreamVersion)}`];
  for (const triple of [...lock.targets.keys()].sort()) {
    const entry = lock.targets.get(triple)!;
    lines.push("", `[targets.${quote(triple)}]`);
    for (const key of ENTRY_KEYS) {
      const value = entry[key];
      if (value !== undefined) lines.push(`${key} = ${typeof value === "number" ? String(value) : quote(value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A TOML basic string: JSON's escapes are TOML's, and TOML wants DEL escaped too. */
const quote = (value: string) => JSON.stringify(value).replace(/\x7f/g, "\\u007f");

const lstatOrUndefined = (file: string) => {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
};

/** The project's lock, validated, or undefined when it has none. */
export function readLock(root: string): Lock | undefined {
  const file = path.join(root, LOCK_FILE);
  if (!lstatOrUndefined(file)) return undefined;
  // Project state stays in the project, as the readme and license files do.
  let real: string | undefined;
  try {
    real = realpathSync(file);
  } catch {
    real = undefined;
  }
  if (!real || !isInside(realpathSync(root), real)) {
    fail(`${LOCK_FILE} is a link to ${real ?? "nothing"}${real ? ", outside the project" : ""}; a lock must be a file in the project. Replace it with the file (binwheel lock writes one), or delete it.`);
  }
  const text = readUtf8(file, LOCK_FILE);
  let data: unknown;
  try {
    data = toml.parse(text);
  } catch (e) {
    broken(`it is not valid TOML (${(e as Error).message})`);
  }
  const doc = data as Record<string, unknown>;
  only(doc, ["lock-version", "upstream-version", "targets"], "");
  if (doc["lock-version"] !== LOCK_VERSION) broken(`lock-version is ${describe(doc["lock-version"])}, and this binwheel reads lock-version ${LOCK_VERSION}`);
  if (typeof doc["upstream-version"] !== "string") broken(`upstream-version must be a string, but it is ${describe(doc["upstream-version"])}`);
  const upstreamVersion = doc["upstream-version"];
  try {
    checkedUpstreamVersion(upstreamVersion, "upstream-version");
  } catch {
    broken(`upstream-version ${JSON.stringify(upstreamVersion)} is not a usable upstream version (letters, digits, ".", "_", "+", "~" and "-")`);
  }
  const targets = new Map<string, LockedAsset>();
  const tables = doc["targets"] ?? {};
  if (!isTable(tables)) broken(`targets must be a table, but it is ${describe(tables)}`);
  for (const [triple, value] of Object.entries(tables)) {
    const where = `targets.${quote(triple)}`;
    if (!targetInfo(triple)) broken(`${where} is not a target binwheel knows`);
    if (!isTable(value)) broken(`${where} must be a table, but it is ${describe(value)}`);
    only(value, ENTRY_KEYS, `${where}.`);
    const text = (key: string, valid: (v: string) => boolean, what: string, optional = false): string | undefined => {
      const v = value[key];
      if (v === undefined && optional) return undefined;
      if (typeof v !== "string" || !valid(v)) broken(`${where}.${key} must be ${what}, but it is ${describe(v)}`);
      return v;
    };
    const size = value["size"];
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) broken(`${where}.size must be a whole number of bytes, but it is ${describe(size)}`);
    const tag = text("tag", (v) => v !== "" && !/[\x00-\x20\x7f]/.test(v), "a release tag", true);
    const commit = text("commit", (v) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(v), "a commit's full hex id", true);
    const url = text("url", (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && redactUrl(v) === v, "an http(s) URL without a login, query or fragment", true);
    targets.set(triple, {
      source: text("source", (v) => /^(github:[^/\s]+\/[^/\s]+|gitlab:\S+|url|path)$/.test(v), 'a source ("github:owner/repo", "gitlab:group/project", "url" or "path")')!,
      ...(tag !== undefined && { tag }),
      ...(commit !== undefined && { commit }),
      asset: text("asset", (v) => !pathProblem(v) && !v.includes("/"), "a file name")!,
      ...(url !== undefined && { url }),
      size,
      sha256: text("sha256", (v) => /^[0-9a-f]{64}$/.test(v), "64 lowercase hex digits")!,
    });
  }
  return { upstreamVersion, targets };
}

function only(table: Record<string, unknown>, keys: readonly string[], where: string): void {
  const unknown = Object.keys(table).find((k) => !keys.includes(k));
  if (unknown !== undefined) broken(`${where}${quote(unknown)} is not a key it may hold (${keys.join(", ")})`);
}

function broken(problem: string): never {
  fail(`${LOCK_FILE}: ${problem}. It is written by binwheel lock, not by hand: run binwheel lock to write it again (or delete it to build without one).`);
}
