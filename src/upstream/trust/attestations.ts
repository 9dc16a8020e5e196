// Upstream artifact attestations: the Sigstore bundles GitHub keeps for an asset's sha256
// (GET /repos/{owner}/{repo}/attestations/sha256:{hex}), verified with the Sigstore project's own
// libraries (@sigstore/bundle, @sigstore/verify) before the asset is used. Finding an attestation
// proves nothing; a bundle passes only when all of this holds:
// - its certificate chains to a certificate authority of a trusted root, at a time vouched for by
//   a verified timestamp (a transparency-log entry or an RFC 3161 timestamp); every log entry and
//   certificate-transparency proof it carries verifies; a root with transparency logs (Sigstore's
//   public-good instance) requires a log entry and a CT proof, one without (GitHub's own
//   instance, for private repositories) does not, as `gh attestation verify` decides;
// - the DSSE signature over the in-toto statement verifies with the certificate's key;
// - the certificate's OIDC issuer is GitHub Actions' (https://token.actions.githubusercontent.com);
// - its source repository (Fulcio extension 1.3.6.1.4.1.57264.1.12) is the upstream repository;
// - with `workflow`, its subject (SAN) is that workflow file: the signer workflow, as
//   `gh attestation verify --signer-workflow` checks (a reusable workflow is named by its own path);
// - the run was for the release's own tag: its source repository ref (extension
//   1.3.6.1.4.1.57264.1.14; for a certificate without it, the SAN's "@ref") is refs/tags/<tag>, so a
//   genuine attestation of an older release cannot pass for its asset swapped into this one
//   (`ref = "any"` lifts this, for upstreams that attest from a branch);
// - the statement is build provenance (predicate type https://slsa.dev/provenance/...), as
//   `gh attestation verify` requires by default, and its subjects include the asset's sha256.
// The trust roots are BINWHEEL_SIGSTORE_TRUSTED_ROOT's (JSON or JSON lines, as `gh attestation
// trusted-root` prints both instances' roots), else the public-good root that @sigstore/tuf ships
// as its seed: no TUF round trip, no other host, so builds stay offline-capable and reproducible.
// The libraries and the shipped root (~220 KB of the bundle) are imported only when an attestation
// is checked: parsed at start-up, never evaluated otherwise.
import path from "node:path";
import type { Bundle } from "@sigstore/bundle";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import type { AttestationPolicy, UpstreamConfig } from "../../config/upstream.js";
import { BinwheelError, fail, redactUrl } from "../../errors.js";
import { info, warn } from "../../log.js";
import { NotRegularFile, readRegular } from "../../fs/regular-file.js";
import { apiCall, githubAccess, makeOctokit } from "../http/github-api.js";
import { API_ANSWER_LIMIT, boundedFetch, classifyStatus, makeFetch, timeoutSeconds, Transient, unreachable, withRetries } from "../http/fetch.js";

export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
const OID_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";
const OID_SOURCE_REPOSITORY_REF = "1.3.6.1.4.1.57264.1.14";
const IN_TOTO = "application/vnd.in-toto+json";
/** A bundle is a few KiB; GitHub serves one by URL snappy-compressed. */
const BUNDLE_LIMIT = 4 << 20;

/** What must be attested: the upstream repository, the release's tag, and the policy from [tool.binwheel.upstream] attestations. */
export interface Requirement {
  owner: string;
  repo: string;
  tag: string;
  policy: AttestationPolicy;
}

/** The policy as the cache index records it: a blob that passed it is not asked about again. */
export function policyId({ owner, repo, tag, policy }: Requirement): string {
  // Owners and repositories compare in any case on GitHub; workflow paths and refs do not.
  return `github.com/${owner}/${repo}`.toLowerCase() + (policy.required ? ` signed by ${`${policy.workflow.owner}/${policy.workflow.repo}`.toLowerCase()}/${policy.workflow.path}` : "") +
    (policy.anyRef ? " at any ref" : ` at refs/tags/${tag}`);
}

/** Why one bundle failed, in the words of the error. */
export interface Failure {
  kind: "format" | "signature" | "issuer" | "repository" | "workflow" | "ref" | "predicate" | "digest";
  detail: string;
}

/**
 * Verifies `bundles` (as GitHub serves them) for the asset `sha256` against `roots`; returns
 * nothing when one passes, else each bundle's failure.
 */
export async function verifyBundles(bundles: unknown[], sha256: string, req: Requirement, roots: TrustedRoot[]): Promise<Failure[] | undefined> {
  const lib = await sigstore();
  const failures: Failure[] = [];
  for (const json of bundles) {
    const failure = verifyOne(lib, json, sha256, req, roots);
    if (!failure) return undefined;
    failures.push(failure);
  }
  return failures;
}

type Sigstore = Awaited<ReturnType<typeof sigstore>>;

const sigstore = () => import("./sigstore-libraries.js");

function verifyOne(lib: Sigstore, json: unknown, sha256: string, { owner, repo, tag, policy }: Requirement, roots: TrustedRoot[]): Failure | undefined {
  let bundle: Bundle;
  let entity: ReturnType<Sigstore["toSignedEntity"]>;
  try {
    bundle = lib.bundleFromJSON(json);
    entity = lib.toSignedEntity(bundle);
  } catch (e) {
    return { kind: "format", detail: `is not a Sigstore bundle binwheel can read (${(e as Error).message})` };
  }
  if (bundle.content.$case !== "dsseEnvelope" || bundle.content.dsseEnvelope.payloadType !== IN_TOTO) {
    return { kind: "format", detail: "is not a signed in-toto statement (a DSSE envelope of application/vnd.in-toto+json)" };
  }
  // Each root with its own thresholds: a certificate chains to one of them at most.
  let signer: ReturnType<InstanceType<Sigstore["Verifier"]>["verify"]> | undefined;
  const errors: string[] = [];
  for (const root of roots) {
    try {
      const verifier = new lib.Verifier(lib.toTrustMaterial(root), { timestampThreshold: 1, tlogThreshold: root.tlogs.length ? 1 : 0, ctlogThreshold: root.ctlogs.length ? 1 : 0 });
      signer = verifier.verify(entity);
      break;
    } catch (e) {
      const err = e as Error & { cause?: Error };
      errors.push(`${root.certificateAuthorities[0]?.uri || "a trusted root"}: ${err.message}${err.cause?.message ? ` (${err.cause.message})` : ""}`);
    }
  }
  if (!signer) return { kind: "signature", detail: `has a signature that does not verify (${errors.join("; ")})` };

  const identity = signer.identity ?? {};
  const issuer = identity.extensions?.issuer;
  if (issuer !== GITHUB_ACTIONS_ISSUER) {
    return { kind: "issuer", detail: `was signed by an identity from ${issuer ?? "no named issuer"}, not by a GitHub Actions run (${GITHUB_ACTIONS_ISSUER})` };
  }
  const expectedRepository = `https://github.com/${owner}/${repo}`;
  const sourceRepository = extensionText(lib, identity.oids ?? [], OID_SOURCE_REPOSITORY_URI);
  if (sourceRepository?.toLowerCase() !== expectedRepository.toLowerCase()) {
    return { kind: "repository", detail: `was made in another repository, ${sourceRepository ?? "(none named)"}, not ${expectedRepository}` };
  }
  const san = identity.subjectAlternativeName ?? "";
  if (policy.required) {
    // The owner and repository as GitHub compares them (any case); the file path exactly.
    const base = `https://github.com/${policy.workflow.owner}/${policy.workflow.repo}/`;
    if (san.slice(0, base.length).toLowerCase() !== base.toLowerCase() || !san.slice(base.length).startsWith(`${policy.workflow.path}@`)) {
      return { kind: "workflow", detail: `was signed by another workflow, ${san || "(none named)"}, not ${base}${policy.workflow.path}@<ref>` };
    }
  }
  if (!policy.anyRef) {
    const ref = extensionText(lib, identity.oids ?? [], OID_SOURCE_REPOSITORY_REF) ?? (san.includes("@") ? san.slice(san.lastIndexOf("@") + 1) : undefined);
    if (ref !== `refs/tags/${tag}`) return { kind: "ref", detail: `was made by a run for ${ref ?? "no named ref"}, not for the release's tag refs/tags/${tag}` };
  }
  let statement: { predicateType?: unknown; subject?: { digest?: { sha256?: unknown } }[] };
  try {
    statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString("utf8")) as typeof statement;
  } catch {
    return { kind: "format", detail: "holds a statement that is not JSON" };
  }
  if (typeof statement.predicateType !== "string" || !statement.predicateType.startsWith("https://slsa.dev/provenance/")) {
    return { kind: "predicate", detail: `is not build provenance (its predicate type is ${JSON.stringify(statement.predicateType ?? null)}, not https://slsa.dev/provenance/v1)` };
  }
  const subjects = (Array.isArray(statement.subject) ? statement.subject : []).map((s) => s?.digest?.sha256).filter((d): d is string => typeof d === "string");
  if (!subjects.some((d) => d.toLowerCase() === sha256)) {
    return { kind: "digest", detail: `is about another digest (${subjects.map((d) => `sha256:${d}`).join(", ") || "none"}), not this asset's` };
  }
  return undefined;
}

/** A Fulcio v2 extension's value: a DER UTF8String inside the extension's OCTET STRING. */
function extensionText(lib: Sigstore, oids: { oid?: { id: number[] }; value: Buffer }[], oid: string): string | undefined {
  const found = oids.find((o) => o.oid?.id.join(".") === oid);
  if (!found) return undefined;
  try {
    return lib.ASN1Obj.parseBuffer(found.value as Buffer<ArrayBuffer>).value.toString("utf8");
  } catch {
    return undefined;
  }
}

/**
 * The trust roots: BINWHEEL_SIGSTORE_TRUSTED_ROOT's file (one TrustedRoot JSON, or JSON lines),
 * else the Sigstore public-good root @sigstore/tuf ships as its seed.
 */
export async function trustedRoots(env: NodeJS.ProcessEnv): Promise<TrustedRoot[]> {
  const { TrustedRoot, tufSeeds } = await sigstore();
  const file = env["BINWHEEL_SIGSTORE_TRUSTED_ROOT"];
  if (!file) {
    const seeds = tufSeeds as Record<string, { targets: Record<string, string> }>;
    const seed = seeds["https://tuf-repo-cdn.sigstore.dev"]!.targets["trusted_root.json"]!;
    return [TrustedRoot.fromJSON(JSON.parse(Buffer.from(seed, "base64").toString("utf8")))];
  }
  const where = `BINWHEEL_SIGSTORE_TRUSTED_ROOT=${file}`;
  let text: string;
  try {
    const data = readRegular(path.resolve(file), 16 << 20, { followLinks: true });
    if (!data) fail(`${where} does not exist; set it to a file holding a Sigstore trusted root (\`gh attestation trusted-root > trusted_root.jsonl\`), or unset it.`);
    text = data.toString("utf8");
  } catch (e) {
    if (e instanceof NotRegularFile) fail(`${where} ${e.why}; it must be a regular file holding a Sigstore trusted root.`);
    throw e;
  }
  // One root as JSON, or several as JSON lines (`gh attestation trusted-root` prints two).
  let documents: unknown[];
  try {
    documents = [JSON.parse(text)];
  } catch {
    documents = text.split(/\r?\n/).filter((l) => l.trim()).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        fail(`${where}: line ${i + 1} is not JSON. Write the file with \`gh attestation trusted-root > trusted_root.jsonl\`.`);
      }
    });
  }
  const roots = documents.map((document, i) => {
    try {
      const root = TrustedRoot.fromJSON(document);
      if (!root.certificateAuthorities.length) throw new Error("it names no certificate authority");
      return root;
    } catch (e) {
      fail(`${where}: ${documents.length > 1 ? `line ${i + 1} ` : ""}is not a Sigstore trusted root (${(e as Error).message}). Write it with \`gh attestation trusted-root > trusted_root.jsonl\`.`);
    }
  });
  if (!roots.length) fail(`${where} is empty; write it with \`gh attestation trusted-root > trusted_root.jsonl\`.`);
  return roots;
}

/** The attestation step of fetching an asset (asset.ts): one per plan, undefined when none is configured. */
export interface AttestationCheck {
  /** What the cache index records once the check passed (policyId). */
  readonly id: string;
  /**
   * Checks the asset `sha256`: true when an attestation passed, false when there is none and the
   * policy only warns (it has warned). Throws when it fails or a required one is missing.
   * `folder`: BINWHEEL_ASSET_DIR, where bundles are read from files instead of GitHub.
   */
  check(sha256: string, folder?: string): Promise<boolean>;
}

export function attestationCheck(upstream: UpstreamConfig, tag: string, assetName: string, env: NodeJS.ProcessEnv, offline: boolean): AttestationCheck | undefined {
  const policy = upstream.attestations;
  if (!policy || upstream.source.kind !== "github") return undefined;
  const req: Requirement = { owner: upstream.source.owner, repo: upstream.source.repo, tag, policy };
  const setting = `[tool.binwheel.upstream] attestations`;
  const wanted = policy.required ? `one signed by ${policy.workflow.owner}/${policy.workflow.repo}/${policy.workflow.path}` : "";
  const subject = (sha256: string) => `${assetName} (sha256:${sha256})`;
  return {
    id: policyId(req),
    async check(sha256, folder) {
      let bundles: unknown[];
      let source: string;
      if (folder) {
        ({ bundles, source } = bundlesInFolder(folder, sha256));
      } else if (offline) {
        const why = `offline mode is on (-C offline / BINWHEEL_OFFLINE), and the attestation of ${subject(sha256)} was never verified in the download cache`;
        if (policy.required) fail(`${why}; ${setting} requires ${wanted}. Build once online so the verified asset is cached, or put the asset and its bundles (gh attestation download) in BINWHEEL_ASSET_DIR.`);
        warn(`${why}; it is used without that check.`);
        return false;
      } else {
        ({ bundles, source } = await githubBundles(req, sha256, assetName, env));
      }
      if (!bundles.length) {
        const none = `${source} has no attestation for ${subject(sha256)}`;
        if (!policy.required) {
          warn(`${none}; it is used unattested (${setting} = "verify" only warns when there is none).`);
          return false;
        }
        const privateHint = !folder && !githubAccess(env).token ? " If the repository is private, set GH_TOKEN or GITHUB_TOKEN to a token that can read its attestations." : "";
        fail(
          `${none}, and ${setting} requires ${wanted}. Check that upstream's release workflow attests its assets (actions/attest-build-provenance); a release made before it did has none: ` +
            `take another upstream version, or set attestations = "verify" to only warn.${privateHint}`,
        );
      }
      const failures = await verifyBundles(bundles, sha256, req, await trustedRoots(env));
      if (!failures) {
        info(`verified ${subject(sha256)}: attested by a GitHub Actions run in ${req.owner}/${req.repo}${policy.required ? ` (${policy.workflow.owner}/${policy.workflow.repo}/${policy.workflow.path})` : ""}${policy.anyRef ? "" : ` for the tag ${tag}`}`);
        return true;
      }
      const reasons = failures.map((f, i) => `${failures.length > 1 ? `attestation ${i + 1}` : "it"} ${f.detail}`);
      fail(
        `${source} has ${failures.length === 1 ? "an attestation" : `${failures.length} attestations`} for ${subject(sha256)}, and none passes ${setting}: ${reasons.join("; ")}. ` +
          advice(failures[0]!.kind, setting),
      );
    },
  };
}

function advice(kind: Failure["kind"], setting: string): string {
  switch (kind) {
    case "format":
    case "signature":
      return "The bundle is damaged or forged, or signed by a Sigstore instance binwheel does not trust: a private repository's attestations are signed by GitHub's own, so set " +
        "BINWHEEL_SIGSTORE_TRUSTED_ROOT to a file holding `gh attestation trusted-root`'s output. Otherwise do not use this asset, and tell upstream.";
    case "workflow":
      return `If upstream now releases from another workflow, name it in ${setting}; otherwise do not use this asset, and tell upstream.`;
    case "ref":
      return "It may be an older release's asset put in this release's place: do not use it, and tell upstream. " +
        `If upstream attests its release assets from a branch (a run on main that uploads them), set ref = "any" in ${setting}.`;
    case "predicate":
      return "binwheel checks build provenance, which upstream makes with actions/attest-build-provenance; ask upstream to attest its release assets, or take a release that has it.";
    default:
      return "Do not use this asset: nothing shows that upstream's own workflow built these bytes. Tell upstream.";
  }
}

/** The bundles GitHub lists for the digest (inline, or by URL); none when it answers 404. */
async function githubBundles({ owner, repo }: Requirement, sha256: string, assetName: string, env: NodeJS.ProcessEnv): Promise<{ bundles: unknown[]; source: string }> {
  const access = githubAccess(env);
  const fetchImpl = await makeFetch(env);
  const octokit = makeOctokit(access, fetchImpl);
  const answer = await apiCall(access, `list the attestations of ${assetName} in ${owner}/${repo}`, async () => {
    try {
      return (await octokit.request("GET /repos/{owner}/{repo}/attestations/{subject_digest}", {
        // Provenance only (GitHub also lists SBOMs and release attestations for a digest); one page is plenty.
        owner, repo, subject_digest: `sha256:${sha256}`, predicate_type: "provenance", per_page: 100, request: { signal: AbortSignal.timeout(timeoutSeconds(env) * 1000) },
      })).data as unknown;
    } catch (e) {
      // GitHub answers 404 for a digest it has no attestation of.
      if ((e as { status?: number }).status === 404) return { attestations: [] };
      throw e;
    }
  });
  const list = (answer as { attestations?: unknown }).attestations;
  if (!Array.isArray(list)) fail(`GitHub's answer listing the attestations of ${assetName} in ${owner}/${repo} has no attestations list; check GITHUB_API_URL.`);
  const bundles: unknown[] = [];
  for (const item of list as { bundle?: unknown; bundle_url?: unknown }[]) {
    if (item?.bundle && typeof item.bundle === "object") bundles.push(item.bundle);
    // Since July 2026 GitHub serves bundles by reference: `bundle` is null, `bundle_url` a signed blob URL.
    else if (typeof item?.bundle_url === "string") bundles.push(await bundleByUrl(item.bundle_url, new URL(access.apiUrl), fetchImpl, env));
  }
  return { bundles, source: `GitHub (${owner}/${repo})` };
}

/**
 * A bundle from its pre-signed storage URL, which the answer of the API at `api` named: no
 * credentials go there (the URL is its own), at most BUNDLE_LIMIT bytes, snappy-compressed or
 * plain JSON. The transport is not trusted: the bundle is verified by its signatures.
 */
async function bundleByUrl(url: string, api: URL, fetchImpl: typeof fetch, env: NodeJS.ProcessEnv): Promise<unknown> {
  const target = URL.canParse(url) ? new URL(url) : fail(`GitHub listed an attestation whose bundle_url is not a URL; check GITHUB_API_URL.`);
  const bytes = await withRetries(`downloading an attestation bundle from ${target.host}`, async () => {
    let response: Response;
    try {
      response = await boundedFetch(fetchImpl, api, BUNDLE_LIMIT)(target, { signal: AbortSignal.timeout(timeoutSeconds(env) * 1000) });
    } catch (e) {
      if (e instanceof BinwheelError) throw e;
      throw unreachable(target.host, e);
    }
    if (!response.ok) {
      const problem = classifyStatus(response.status, Object.fromEntries(response.headers), `download an attestation bundle from ${redactUrl(target)}`, target.host);
      if (problem instanceof Transient) throw problem;
      fail(`${problem.message}. The URL GitHub gave may have expired: try again.`);
    }
    return Buffer.from(await response.arrayBuffer());
  });
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    // not plain JSON: snappy, as GitHub serves them (application/x-snappy)
  }
  try {
    const { uncompress } = await sigstore();
    return JSON.parse(Buffer.from(uncompress(new Uint8Array(bytes), API_ANSWER_LIMIT)).toString("utf8"));
  } catch (e) {
    fail(`the attestation bundle at ${redactUrl(target)} is neither JSON nor snappy-compressed JSON (${(e as Error).message}); GitHub may have changed how it serves them.`);
  }
}

/**
 * BINWHEEL_ASSET_DIR: bundles from `sha256:<hex>.jsonl` (as `gh attestation download` names its
 * file; `sha256-<hex>.jsonl` where ":" cannot be in a name), one bundle a line.
 */
function bundlesInFolder(dir: string, sha256: string): { bundles: unknown[]; source: string } {
  const source = `BINWHEEL_ASSET_DIR=${dir}`;
  for (const name of [`sha256:${sha256}.jsonl`, `sha256-${sha256}.jsonl`]) {
    let data: Buffer | undefined;
    try {
      data = readRegular(path.join(dir, name), BUNDLE_LIMIT * 16, { followLinks: true });
    } catch (e) {
      if (e instanceof NotRegularFile) fail(`${source}: ${name} ${e.why}; binwheel reads only regular files there.`);
      throw e;
    }
    if (!data) continue;
    const bundles = data.toString("utf8").split(/\r?\n/).filter((l) => l.trim()).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        fail(`${source}: line ${i + 1} of ${name} is not JSON; write the file with \`gh attestation download <asset> -R owner/repo\`.`);
      }
    });
    return { bundles, source: `${source} (${name})` };
  }
  return { bundles: [], source: `${source} (no sha256:${sha256}.jsonl from \`gh attestation download\`)` };
}
