// The package index's rules, checked before `binwheel release` writes anything: what PyPI (or
// another index with its JSON API) already has of this version, so that a release it would half
// refuse is stopped while nothing is uploaded anywhere. Read through the JSON API
// (GET /pypi/<name>/<version>/json, and /pypi/<name>/json to tell a first release from a new
// version): file names, sizes, sha256 digests, upload times. PyPI's rules (warehouse's
// forklift/legacy.py and constants.py):
// - a file name is uploaded once: the same name with other bytes is refused ("File already
//   exists"), the same bytes are a no-op (HTTP 200), and a deleted file's name stays taken (the
//   JSON API lists current files only, so that case cannot be seen from here);
// - a release takes new files for 14 days after it was created (its first upload), then none;
// - one sdist per release;
// - each file at most 100 MiB unless the project was granted more (the JSON API does not say:
//   --max-file-size).
// A missing project (404) is a first release: nothing to compare. The index is read as downloads
// are (upstream/http/fetch.ts's Client: redirects checked hop by hop, bounded answers, retries),
// without credentials: its URL may hold none, nor a query or fragment, which would also swallow
// the API's path and make a 404 read as a first release.
import { fail, redactUrl } from "../errors.js";
import { normalizeName } from "../python/names.js";
import { Client, checkedBaseUrl, makeFetch, type HttpPolicy } from "../upstream/http/fetch.js";

export const DEFAULT_INDEX_URL = "https://pypi.org";
/** PyPI's MAX_FILESIZE (100 * ONE_MIB), unless the project was granted a larger limit. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
/** PyPI's MAXIMUM_AGE_FOR_NEW_UPLOADS. */
export const NEW_FILE_WINDOW_DAYS = 14;

/** A distribution about to be released. */
export interface LocalFile {
  name: string;
  kind: "wheel" | "sdist";
  size: number;
  sha256: string;
}

/** A file as the JSON API lists it. */
export interface IndexFile {
  filename: string;
  size: number;
  sha256: string;
  uploaded: Date;
  packagetype: string;
}

/** What the index has: no project, the project without this version, or this version's files. */
export type IndexState = { project: false } | { project: true; files?: IndexFile[] };

export interface IndexCheck {
  /** Where and what was asked, for messages: "https://pypi.org (toondb-client 0.3.2)". */
  where: string;
  /** One line each: what the index has, what the upload will add or skip. */
  notes: string[];
  /** What the index would refuse; empty when the release may go ahead. */
  problems: string[];
}

/** The rules applied to what the index has (pure: `now` is given). */
export function checkAgainstIndex(files: LocalFile[], state: IndexState, o: { where: string; maxFileSize: number; now: Date }): IndexCheck {
  const notes: string[] = [];
  const problems: string[] = [];
  const size = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB (${n} bytes)` : `${n} bytes`);
  for (const f of files) {
    if (f.size > o.maxFileSize) {
      problems.push(`${f.name} is ${size(f.size)}, over the index's limit of ${size(o.maxFileSize)} per file: ask PyPI for a larger limit for the project (then pass --max-file-size), or make the file smaller`);
    }
  }
  if (!state.project) {
    notes.push(`${o.where}: no such project yet; this is its first release`);
    return { where: o.where, notes, problems };
  }
  if (!state.files) {
    notes.push(`${o.where}: the project is there, this version is not; all ${files.length} files are new`);
    return { where: o.where, notes, problems };
  }
  const remote = new Map(state.files.map((f) => [f.filename, f]));
  const fresh = files.filter((f) => remote.get(f.name)?.sha256 !== f.sha256);
  for (const f of files) {
    const there = remote.get(f.name);
    if (!there) continue;
    if (there.sha256 === f.sha256) notes.push(`${f.name} is already on the index with the same bytes; its upload is a no-op`);
    else {
      problems.push(
        `${f.name} is already on the index with other bytes (sha256 ${there.sha256}, uploaded ${there.uploaded.toISOString()}; this one is ${f.sha256}), and a file name is uploaded only once: ` +
          "release a new version (or a post-release), or take the files that were released before (--from)",
      );
    }
  }
  const sdist = state.files.find((f) => f.packagetype === "sdist");
  const ours = files.find((f) => f.kind === "sdist");
  if (sdist && ours && sdist.filename !== ours.name) {
    problems.push(`the version already has an sdist, ${sdist.filename}, and takes only one: ${ours.name} would be refused; leave it out, or release a new version`);
  }
  const first = state.files.reduce<Date | undefined>((a, f) => (!a || f.uploaded < a ? f.uploaded : a), undefined);
  const newNames = fresh.filter((f) => !remote.has(f.name)).map((f) => f.name);
  if (newNames.length && first) {
    const closes = new Date(first.getTime() + NEW_FILE_WINDOW_DAYS * 86_400_000);
    if (closes < o.now) {
      problems.push(
        `the version was first uploaded on ${first.toISOString()}, so it stopped taking new files on ${closes.toISOString()} (${NEW_FILE_WINDOW_DAYS} days later), and ${newNames.join(", ")} would be new: ` +
          "release a new version (or a post-release) for them",
      );
    }
  } else if (newNames.length && !first) {
    notes.push(`${o.where}: the version is there without files (all deleted?); whether it still takes new files cannot be seen from the JSON API`);
  }
  notes.unshift(`${o.where}: ${state.files.length} files there; ${newNames.length} of this release's ${files.length} are new`);
  return { where: o.where, notes, problems };
}

const INDEX_SETTING = "--index-url (or BINWHEEL_INDEX_URL)";

/** The index `--index-url` or BINWHEEL_INDEX_URL (`flag`) names, checked where it enters; undefined for "none" (no index is asked). */
export function checkedIndexUrl(value: string, flag: string): string | undefined {
  if (value.trim() === "none") return undefined;
  return checkedBaseUrl(value, flag, `the package index's root, whose JSON API binwheel reads without credentials (https://pypi.org, https://test.pypi.org), or "none" to release without asking it`);
}

/** What `indexUrl` (checkedIndexUrl's) has of `name` `version`, through its JSON API. */
export async function readIndex(indexUrl: string, name: string, version: string, env: NodeJS.ProcessEnv): Promise<IndexState> {
  const base = indexUrl.replace(/\/+$/, "");
  const project = normalizeName(name);
  const policy: HttpPolicy = {
    service: new URL(base).host,
    headers: () => ({}),
    advice: () => `Check ${INDEX_SETTING}, or pass --index-url none to release without asking the index.`,
  };
  const client = new Client(await makeFetch(env), policy, env);
  const notJson = `Check that ${INDEX_SETTING} is the index's root with its JSON API, e.g. https://pypi.org.`;
  const read = (path: string) => client.json<unknown>(`${base}${path}`, { action: `read ${path}`, notJson });
  const release = await read(`/pypi/${project}/${encodeURIComponent(version)}/json`);
  if (release === undefined) return (await read(`/pypi/${project}/json`)) === undefined ? { project: false } : { project: true };
  const urls = (release as { urls?: unknown } | null)?.urls;
  if (!Array.isArray(urls)) fail(`${redactUrl(base)} answered /pypi/${project}/${version}/json without a "urls" list. ${notJson}`);
  return { project: true, files: urls.map((u) => indexFile(u, base)) };
}

function indexFile(value: unknown, base: string): IndexFile {
  const u = value as { filename?: unknown; size?: unknown; digests?: { sha256?: unknown }; upload_time_iso_8601?: unknown; packagetype?: unknown } | null;
  const uploaded = typeof u?.upload_time_iso_8601 === "string" ? new Date(u.upload_time_iso_8601) : undefined;
  if (
    typeof u?.filename !== "string" || !Number.isSafeInteger(u.size) || typeof u.digests?.sha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(u.digests.sha256) ||
    !uploaded || Number.isNaN(uploaded.getTime())
  ) {
    fail(`${redactUrl(base)}'s JSON API lists a file without a name, size, sha256 or upload time; binwheel cannot compare against it. Check ${INDEX_SETTING}.`);
  }
  return { filename: u.filename, size: u.size as number, sha256: u.digests.sha256.toLowerCase(), uploaded, packagetype: typeof u.packagetype === "string" ? u.packagetype : "" };
}

/** The pre-flight of `binwheel release`: reads the index, applies the rules, fails with every problem at once. */
export async function indexPreflight(o: { indexUrl: string; name: string; version: string; files: LocalFile[]; maxFileSize: number; env: NodeJS.ProcessEnv; now?: Date }): Promise<string[]> {
  const where = `${redactUrl(o.indexUrl.replace(/\/+$/, ""))} (${normalizeName(o.name)} ${o.version})`;
  const state = await readIndex(o.indexUrl, o.name, o.version, o.env);
  const check = checkAgainstIndex(o.files, state, { where, maxFileSize: o.maxFileSize, now: o.now ?? new Date() });
  if (check.problems.length) {
    fail(`the package index would refuse this release, so nothing was uploaded: ${where}: ${check.problems.join("; ")}.`);
  }
  return check.notes;
}
