// `binwheel release`: build every distribution (or take them from --from), check them all, then
// make the SDK's GitHub release in the order immutable releases need: a draft, every file
// uploaded, notes, publish. Before anything is written, the package index is asked what it has of
// this version (pypi.ts), so a release PyPI would refuse stops with nothing uploaded anywhere.
// Re-running is safe: identical assets are left alone, a different one is an error, a
// half-finished draft is completed. --dry-run makes only GET requests.
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { checkFiles, failed } from "../check/check.js";
import { formatText } from "../check/report.js";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import type { UpstreamConfig } from "../config/upstream.js";
import { gitlabServer } from "../upstream/http/gitlab-api.js";
import { fail } from "../errors.js";
import { info, warn } from "../log.js";
import { normalizeName } from "../python/names.js";
import { githubAccess, githubServer, makeOctokit } from "../upstream/http/github-api.js";
import { makeFetch } from "../upstream/http/fetch.js";
import { expand } from "../config/template.js";
import { buildArtifacts, collectArtifacts, removeArtifacts, type Artifact } from "./artifacts.js";
import { ReleaseRepository, matches, type RemoteRelease, type Upload } from "./github-release.js";
import { releasePageUrl, renderNotes, renderSummary, type ReleaseFacts } from "./notes.js";
import { indexPreflight } from "./pypi.js";

export interface ReleaseRequest {
  projectDir: string;
  /** owner/name of the SDK's repository. */
  repo: string;
  outDir: string;
  options: BuildOptions;
  env: NodeJS.ProcessEnv;
  dryRun: boolean;
  /** Use the distributions already in this folder instead of building. */
  from?: string;
  /** Stop with a complete draft (publish later, e.g. after the PyPI upload). */
  draft: boolean;
  /** The package index to check first (its JSON API's root) and its per-file limit; undefined: none is asked. */
  index?: { url: string; maxFileSize: number };
}

export async function release(req: ReleaseRequest): Promise<void> {
  const built: string[] = [];
  try {
    await releaseBuilt(req, built);
  } catch (e) {
    // What this run built is removed on failure, as for binwheel build (a --from folder is left alone).
    removeArtifacts(req.outDir, built);
    throw e;
  }
}

/** The release; `built` collects the names of the files it builds, for cleanup on failure. */
async function releaseBuilt(req: ReleaseRequest, built: string[]): Promise<void> {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(req.repo);
  if (!match) fail(`--repo "${req.repo}" must be "owner/name", e.g. "toondb/toondb-python-sdk".`);
  const access = githubAccess(req.env);
  const server = githubServer(req.env, access.apiUrl);
  if (!access.token && !req.dryRun) {
    fail(`binwheel release needs a token that can write to ${req.repo} (contents: write) in GH_TOKEN or GITHUB_TOKEN. --dry-run works without one.`);
  }
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  let artifacts: Artifact[];
  if (req.from) {
    artifacts = await collectArtifacts(project, path.resolve(req.from));
  } else {
    mkdirSync(req.outDir, { recursive: true });
    artifacts = await buildArtifacts(project, req.outDir, req.options, req.env, true);
    built.push(...artifacts.map((a) => a.name));
  }
  // Strict on binwheel's own files: a warning fails the release too.
  const reports = await checkFiles(artifacts.map((a) => a.file), { select: [], ignore: [], strict: true });
  process.stdout.write(formatText(reports, true));
  const failing = reports.filter((r) => failed(r, true));
  if (failing.length) fail(`${failing.length} of ${reports.length} files failed the checks (see above; warnings count for a release); nothing was uploaded.`);
  if (req.index) {
    const notes = await indexPreflight({ indexUrl: req.index.url, maxFileSize: req.index.maxFileSize, name: project.metadata.name, version: project.metadata.version, files: artifacts, env: req.env });
    for (const note of notes) info(note);
  }

  const facts = releaseFacts(project, req, artifacts, server);
  const uploads = toUploads(artifacts);
  const repository = new ReleaseRepository(makeOctokit(access, await makeFetch(req.env)), access, match[1]!, match[2]!);
  const existing = await repository.find(facts.tag);
  const plan = planRelease(existing, uploads, facts, req.draft);
  for (const step of plan.steps) info(`${req.dryRun ? "would " : ""}${step}`);

  let outcome: string;
  if (req.dryRun) {
    outcome = `dry run (${plan.steps.length ? `${plan.steps.length} steps planned` : "nothing to do"}); nothing was written`;
    if (existing) facts.releaseUrl = existing.htmlUrl;
  } else {
    const notes = renderNotes(facts);
    let target = existing ?? (await repository.createDraft(facts.tag, `${project.metadata.name} ${project.metadata.version}`, notes));
    for (const asset of plan.remove) await repository.deleteAsset(asset);
    for (const upload of plan.upload) await repository.upload(target, upload);
    if (plan.publish) target = await repository.publish(target, notes);
    facts.releaseUrl = target.htmlUrl;
    outcome = plan.steps.length === 0 ? "already released; nothing to do" : target.draft ? "draft release ready (not published)" : "released";
  }
  const summary = renderSummary(facts, outcome);
  process.stdout.write(`\n${summary}`);
  const stepSummary = req.env["GITHUB_STEP_SUMMARY"];
  if (stepSummary) appendFileSync(stepSummary, `${summary}\n`);
}

interface ReleasePlan {
  steps: string[];
  remove: RemoteRelease["assets"];
  upload: Upload[];
  publish: boolean;
}

/** What to do, decided from the release's current state alone (so a dry run can show it). */
function planRelease(existing: RemoteRelease | undefined, uploads: Upload[], facts: ReleaseFacts, draftOnly: boolean): ReleasePlan {
  const where = `${facts.repo} ${facts.tag}`;
  const plan: ReleasePlan = { steps: [], remove: [], upload: [], publish: false };
  if (!existing) plan.steps.push(`create the draft release ${where}`);
  for (const file of uploads) {
    const remote = existing?.assets.find((a) => a.name === file.name);
    if (remote && matches(remote, file)) {
      if (!remote.digest && existing && !existing.draft) warn(`${file.name} in ${where} has no digest from GitHub; only its size could be compared.`);
      continue;
    }
    if (remote && existing && !existing.draft) {
      fail(`the published release ${where} already has a different ${file.name} (its size or digest differs). Published files are not replaced: release a new version.`);
    }
    if (remote) {
      plan.remove.push(remote);
      plan.steps.push(`delete ${remote.state === "uploaded" ? "the outdated" : "the broken"} ${remote.name} from the draft`);
    }
    plan.upload.push(file);
    plan.steps.push(`upload ${file.name} (${(file.size / 1048576).toFixed(1)} MiB)`);
  }
  if (existing && !existing.draft && existing.immutable && plan.upload.length) {
    fail(`the published release ${where} is immutable and lacks ${plan.upload.map((u) => u.name).join(", ")}; it cannot be completed. Release a new version.`);
  }
  if (!draftOnly && (!existing || existing.draft)) {
    plan.publish = true;
    plan.steps.push(`publish ${where}`);
  }
  return plan;
}

function toUploads(artifacts: Artifact[]): Upload[] {
  const sums = Buffer.from(artifacts.map((a) => `${a.sha256}  ${a.name}\n`).join(""), "utf8");
  return [
    ...artifacts.map((a) => ({
      name: a.name, size: a.size, sha256: a.sha256, source: a.file,
      contentType: a.kind === "wheel" ? "application/zip" : "application/gzip",
    })),
    { name: "SHA256SUMS", size: sums.length, sha256: createHash("sha256").update(sums).digest("hex"), source: sums, contentType: "text/plain" },
  ];
}

/** What the notes and the summary say; `server` is the GitHub web server (githubServer). */
function releaseFacts(project: Project, req: ReleaseRequest, artifacts: Artifact[], server: string): ReleaseFacts {
  const { metadata, config } = project;
  const upstream = config.upstream;
  const upstreamVersion = project.upstreamVersion!;
  const upstreamTag = upstream ? expand(upstream.tag, { version: upstreamVersion, project_version: metadata.version }) : undefined;
  return {
    name: metadata.name,
    version: metadata.version,
    repo: req.repo,
    tag: `v${metadata.version}`,
    ...(upstream && upstreamTag && { upstream: upstreamFacts(upstream, upstreamTag, upstreamVersion, server, req.env) }),
    ...(project.lock && { locked: [...project.lock.targets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([target, l]) => ({ target, asset: l.asset, sha256: l.sha256 })) }),
    artifacts,
    pypiUrl: `https://pypi.org/project/${normalizeName(metadata.name)}/${metadata.version}/`,
  };
}

/** How the notes name the upstream release: a link to its page where the host has one. */
function upstreamFacts(upstream: UpstreamConfig, tag: string, version: string, githubServer: string, env: NodeJS.ProcessEnv): NonNullable<ReleaseFacts["upstream"]> {
  const { source } = upstream;
  if (source.kind === "github") return { repo: upstream.name, tag, url: releasePageUrl(githubServer, upstream.name, tag) };
  if (source.kind === "gitlab") {
    const page = `${gitlabServer(env)}/${upstream.name.split("/").map(encodeURIComponent).join("/")}/-/releases/${encodeURIComponent(tag)}`;
    return { repo: upstream.name, tag, url: page };
  }
  return { repo: source.kind === "url" ? new URL(source.template.replace(/\{[^{}]*\}/g, "x")).host : "local files", tag: version, url: "" };
}
