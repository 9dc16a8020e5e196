// Upstream attestations: Sigstore bundles made here, offline (a throwaway CA and Fulcio-style leaf
// certificate, a DSSE envelope over an in-toto statement, a Rekor-style log entry with its
// signed timestamp and inclusion proof, all signed with node:crypto), verified by the Sigstore
// libraries against a trust root made here too; then the whole flow through the GitHub stand-in.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf } from "../support/errors.js";
import { NODE, REPO } from "../support/project.js";
import { execa } from "execa";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { fetchUpstreamAsset } from "../../src/upstream/asset.js";
import { GITHUB_ACTIONS_ISSUER, trustedRoots, verifyBundles, type Requirement } from "../../src/upstream/trust/attestations.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const ASSET = "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz";
const CONTENT = Buffer.from("the attested x86_64 asset ".repeat(2000));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const DIGEST = sha(CONTENT);
const RELEASE_YML = "https://github.com/toondb/toondb/.github/workflows/release.yml@refs/tags/v0.3.2";
const REQUIRED: Requirement = { owner: "toondb", repo: "toondb", tag: "v0.3.2", policy: { required: true, workflow: { owner: "toondb", repo: "toondb", path: ".github/workflows/release.yml" } } };

// --- A minimal DER writer: enough for two certificates. ---
const lengthOf = (n: number) => (n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
const der = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthOf(body.length), body]);
};
const seq = (...c: Buffer[]) => der(0x30, ...c);
const oid = (dotted: string) => {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
};
const utf8 = (s: string) => der(0x0c, Buffer.from(s));
const time = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const name = (cn: string) => seq(der(0x31, seq(oid("2.5.4.3"), utf8(cn))));
const extension = (id: string, value: Buffer, critical = false) => seq(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" });

function certificate(o: { subject: string; issuer: string; key: KeyObject; signer: KeyObject; notBefore: Date; notAfter: Date; extensions: Buffer[] }): Buffer {
  const tbs = seq(der(0xa0, der(0x02, Buffer.from([2]))), der(0x02, Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])), ECDSA_SHA256,
    name(o.issuer), seq(time(o.notBefore), time(o.notAfter)), name(o.subject), spki(o.key), der(0xa3, seq(...o.extensions)));
  return seq(tbs, ECDSA_SHA256, der(0x03, Buffer.from([0]), sign("sha256", tbs, o.signer)));
}

const ecKey = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const ca = ecKey();
const rekor = ecKey();
const NOW = new Date();
const CA_CERT = certificate({
  subject: "binwheel test Fulcio", issuer: "binwheel test Fulcio", key: ca.publicKey, signer: ca.privateKey,
  notBefore: new Date(NOW.getTime() - 86_400_000), notAfter: new Date(NOW.getTime() + 365 * 86_400_000),
  extensions: [extension("2.5.29.19", seq(der(0x01, Buffer.from([0xff]))), true), extension("2.5.29.15", der(0x03, Buffer.from([0x01, 0x06])), true)],
});
const LOG_ID = createHash("sha256").update(spki(rekor.publicKey)).digest();

/** The trust root the tests verify against: the CA above and the Rekor-style log key. */
const ROOT_JSON = {
  mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  tlogs: [{ baseUrl: "https://rekor.test", hashAlgorithm: "SHA2_256", publicKey: { rawBytes: spki(rekor.publicKey).toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start: "2020-01-01T00:00:00Z" } }, logId: { keyId: LOG_ID.toString("base64") } }],
  certificateAuthorities: [{ subject: { organization: "binwheel", commonName: "test" }, uri: "https://fulcio.test", certChain: { certificates: [{ rawBytes: CA_CERT.toString("base64") }] }, validFor: { start: "2020-01-01T00:00:00Z" } }],
  ctlogs: [],
  timestampAuthorities: [],
};
const ROOTS = [TrustedRoot.fromJSON(ROOT_JSON)];

interface BundleOptions {
  /** The certificate's SAN: the workflow that signed. */
  san?: string;
  /** Fulcio's source repository URI extension. */
  repository?: string;
  /** Fulcio's source repository ref extension (1.14): the ref the run was for; null leaves it out (older certificates). */
  ref?: string | null;
  issuer?: string;
  /** The statement's subject digest. */
  digest?: string;
  /** Flip a bit of the DSSE signature after signing. */
  tamper?: boolean;
  predicateType?: string;
}

/** A Sigstore bundle (v0.3, as GitHub's attest actions make them) for `digest`, made with throwaway keys. */
function makeBundle(o: BundleOptions = {}): Record<string, unknown> {
  const leaf = ecKey();
  const san = o.san ?? RELEASE_YML;
  const cert = certificate({
    subject: "", issuer: "binwheel test Fulcio", key: leaf.publicKey, signer: ca.privateKey,
    notBefore: new Date(NOW.getTime() - 60_000), notAfter: new Date(NOW.getTime() + 600_000),
    extensions: [
      extension("2.5.29.15", der(0x03, Buffer.from([0x07, 0x80])), true),
      extension("2.5.29.37", seq(oid("1.3.6.1.5.5.7.3.3"))),
      extension("2.5.29.17", seq(der(0x86, Buffer.from(san))), true),
      extension("1.3.6.1.4.1.57264.1.1", Buffer.from(o.issuer ?? GITHUB_ACTIONS_ISSUER)),
      extension("1.3.6.1.4.1.57264.1.8", utf8(o.issuer ?? GITHUB_ACTIONS_ISSUER)),
      extension("1.3.6.1.4.1.57264.1.9", utf8(san)),
      extension("1.3.6.1.4.1.57264.1.12", utf8(o.repository ?? "https://github.com/toondb/toondb")),
      ...(o.ref === null ? [] : [extension("1.3.6.1.4.1.57264.1.14", utf8(o.ref ?? "refs/tags/v0.3.2"))]),
    ],
  });
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: ASSET, digest: { sha256: o.digest ?? DIGEST } }],
    predicateType: o.predicateType ?? "https://slsa.dev/provenance/v1",
    predicate: { buildDefinition: { buildType: "https://actions.github.io/buildtypes/workflow/v1" } },
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const type = "application/vnd.in-toto+json";
  const pae = Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} ${payload.toString("binary")}`, "binary");
  const signature = sign("sha256", pae, leaf.privateKey);
  const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString("base64")}\n-----END CERTIFICATE-----\n`;
  const body = Buffer.from(JSON.stringify({
    apiVersion: "0.0.1", kind: "dsse",
    spec: { payloadHash: { algorithm: "sha256", value: sha(payload) }, signatures: [{ signature: signature.toString("base64"), verifier: Buffer.from(pem).toString("base64") }] },
  }));
  const integratedTime = Math.floor(NOW.getTime() / 1000);
  const set = sign("sha256", Buffer.from(`{"body":"${body.toString("base64")}","integratedTime":${integratedTime},"logID":"${LOG_ID.toString("hex")}","logIndex":1234}`), rekor.privateKey);
  // A tree of one leaf: the root is the leaf's hash, and the proof has no hashes.
  const rootHash = createHash("sha256").update(Buffer.from([0])).update(body).digest();
  const note = `rekor.test - 1\n1\n${rootHash.toString("base64")}\n`;
  const noteSignature = Buffer.concat([LOG_ID.subarray(0, 4), sign("sha256", Buffer.from(note), rekor.privateKey)]);
  const dsseSignature = Buffer.from(signature);
  if (o.tamper) dsseSignature[dsseSignature.length - 1]! ^= 1;
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: cert.toString("base64") },
      tlogEntries: [{
        logIndex: "1234", logId: { keyId: LOG_ID.toString("base64") }, kindVersion: { kind: "dsse", version: "0.0.1" }, integratedTime: String(integratedTime),
        inclusionPromise: { signedEntryTimestamp: set.toString("base64") },
        inclusionProof: { logIndex: "0", rootHash: rootHash.toString("base64"), treeSize: "1", hashes: [], checkpoint: { envelope: `${note}\n\u2014 rekor.test ${noteSignature.toString("base64")}\n` } },
        canonicalizedBody: body.toString("base64"),
      }],
      timestampVerificationData: {},
    },
    dsseEnvelope: { payload: payload.toString("base64"), payloadType: type, signatures: [{ sig: dsseSignature.toString("base64"), keyid: "" }] },
  };
}

describe("verifying a bundle (the Sigstore libraries, an offline trust root)", () => {
  it("accepts a bundle signed by the required workflow of the upstream repository, for this digest", async () => {
    expect(await verifyBundles([makeBundle()], DIGEST, REQUIRED, ROOTS)).toBeUndefined();
    expect(await verifyBundles([makeBundle({ san: "https://github.com/other/shared/.github/workflows/build.yml@refs/heads/main" })], DIGEST, { ...REQUIRED, policy: { required: false } }, ROOTS)).toBeUndefined();
  });

  it.each([
    ["from another workflow", { san: "https://github.com/toondb/toondb/.github/workflows/nightly.yml@refs/heads/main" }, "workflow", /another workflow, https:\/\/github\.com\/toondb\/toondb\/\.github\/workflows\/nightly\.yml@refs\/heads\/main, not https:\/\/github\.com\/toondb\/toondb\/\.github\/workflows\/release\.yml@<ref>/],
    ["from another repository", { repository: "https://github.com/evil/toondb" }, "repository", /another repository, https:\/\/github\.com\/evil\/toondb, not https:\/\/github\.com\/toondb\/toondb/],
    ["for another digest", { digest: sha("other bytes") }, "digest", new RegExp(`another digest \\(sha256:${sha("other bytes")}\\)`)],
    ["with a tampered signature", { tamper: true }, "signature", /does not verify \(https:\/\/fulcio\.test: .*signature/],
    ["from another identity provider", { issuer: "https://accounts.google.com" }, "issuer", /identity from https:\/\/accounts\.google\.com, not by a GitHub Actions run/],
    ["that is not build provenance", { predicateType: "https://in-toto.io/attestation/release/v0.1" }, "predicate", /is not build provenance \(its predicate type is "https:\/\/in-toto\.io\/attestation\/release\/v0\.1"/],
  ] as const)("rejects a bundle %s", async (_, options, kind, detail) => {
    const failures = await verifyBundles([makeBundle(options)], DIGEST, REQUIRED, ROOTS);
    expect(failures).toHaveLength(1);
    expect(failures![0]!.kind).toBe(kind);
    expect(failures![0]!.detail).toMatch(detail);
  });

  it("binds it to the release's tag: a genuine attestation of another release or a branch fails, unless ref = \"any\"", async () => {
    const older = await verifyBundles([makeBundle({ ref: "refs/tags/v0.3.1", san: RELEASE_YML.replace("v0.3.2", "v0.3.1") })], DIGEST, REQUIRED, ROOTS);
    expect(older).toEqual([{ kind: "ref", detail: "was made by a run for refs/tags/v0.3.1, not for the release's tag refs/tags/v0.3.2" }]);
    expect((await verifyBundles([makeBundle({ ref: "refs/heads/main" })], DIGEST, { ...REQUIRED, policy: { required: false } }, ROOTS))![0]!.kind).toBe("ref");
    // A tag named like the release's, but a branch; a tag whose name only starts like it.
    expect((await verifyBundles([makeBundle({ ref: "refs/heads/v0.3.2" })], DIGEST, REQUIRED, ROOTS))![0]!.kind).toBe("ref");
    expect((await verifyBundles([makeBundle({ ref: "refs/tags/v0.3.2-evil" })], DIGEST, REQUIRED, ROOTS))![0]!.kind).toBe("ref");
    const anyRef = { ...REQUIRED, policy: { ...REQUIRED.policy, anyRef: true as const } };
    expect(await verifyBundles([makeBundle({ ref: "refs/heads/main", san: RELEASE_YML.replace("refs/tags/v0.3.2", "refs/heads/main") })], DIGEST, anyRef, ROOTS)).toBeUndefined();
  });

  it("takes the ref from the workflow's SAN when the certificate has no ref extension, and the extension over the SAN (a reusable workflow's own ref)", async () => {
    expect(await verifyBundles([makeBundle({ ref: null })], DIGEST, REQUIRED, ROOTS)).toBeUndefined();
    expect((await verifyBundles([makeBundle({ ref: null, san: RELEASE_YML.replace("refs/tags/v0.3.2", "refs/heads/main") })], DIGEST, { ...REQUIRED, policy: { required: false } }, ROOTS))![0]).toMatchObject({ kind: "ref", detail: expect.stringContaining("for refs/heads/main") });
    expect(await verifyBundles([makeBundle({ san: "https://github.com/toondb/shared/.github/workflows/build.yml@refs/heads/main" })], DIGEST, { ...REQUIRED, policy: { required: false } }, ROOTS)).toBeUndefined();
  });

  it("rejects a bundle whose certificate no trusted authority issued", async () => {
    const other = { ...ROOT_JSON, certificateAuthorities: [{ ...ROOT_JSON.certificateAuthorities[0]!, uri: "https://fulcio.other", certChain: { certificates: [{ rawBytes: certificate({ subject: "x", issuer: "x", key: ecKey().publicKey, signer: ecKey().privateKey, notBefore: NOW, notAfter: NOW, extensions: [] }).toString("base64") }] } }] };
    const failures = await verifyBundles([makeBundle()], DIGEST, REQUIRED, [TrustedRoot.fromJSON(other)]);
    expect(failures![0]).toMatchObject({ kind: "signature" });
    expect(failures![0]!.detail).toMatch(/https:\/\/fulcio\.other: .*certificate/i);
  });

  it("passes when any one of several bundles passes, and names each failure otherwise", async () => {
    expect(await verifyBundles([makeBundle({ tamper: true }), makeBundle()], DIGEST, REQUIRED, ROOTS)).toBeUndefined();
    const failures = await verifyBundles([makeBundle({ tamper: true }), { mediaType: "nonsense" }], DIGEST, REQUIRED, ROOTS);
    expect(failures!.map((f) => f.kind)).toEqual(["signature", "format"]);
  });

  it("reads the trust root from BINWHEEL_SIGSTORE_TRUSTED_ROOT (JSON or JSON lines), else ships Sigstore's public-good root", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "root.json"), JSON.stringify(ROOT_JSON, null, 2));
    writeFileSync(path.join(dir, "roots.jsonl"), `${JSON.stringify(ROOT_JSON)}\n${JSON.stringify({ ...ROOT_JSON, tlogs: [] })}\n`);
    expect(await trustedRoots({ BINWHEEL_SIGSTORE_TRUSTED_ROOT: path.join(dir, "root.json") })).toHaveLength(1);
    expect(await trustedRoots({ BINWHEEL_SIGSTORE_TRUSTED_ROOT: path.join(dir, "roots.jsonl") })).toHaveLength(2);
    const builtIn = await trustedRoots({});
    expect(builtIn[0]!.certificateAuthorities.map((c) => c.uri)).toContain("https://fulcio.sigstore.dev");
    writeFileSync(path.join(dir, "bad.json"), "{not json");
    await expect(trustedRoots({ BINWHEEL_SIGSTORE_TRUSTED_ROOT: path.join(dir, "bad.json") })).rejects.toThrow(/line 1 is not JSON.*gh attestation trusted-root/);
    // The built-in root does not know the test CA: verification fails, and says how to fix a private repository's.
    expect((await verifyBundles([makeBundle()], DIGEST, REQUIRED, builtIn))![0]!.kind).toBe("signature");
  });
});

describe("[tool.binwheel.upstream] attestations", () => {
  const config = (source: string, value: string) => () =>
    loadProject(tempProject({ "pyproject.toml": TOONDB_PYPROJECT.replace('github = "toondb/toondb"', source).replace('asset = "toondb', `attestations = ${value}\nasset = "toondb`), "toondb/__init__.py": "" }));

  it("reads both forms, and ref", () => {
    const read = (value: string) => config('github = "toondb/toondb"', value)().config.upstream!.attestations;
    expect(read('"verify"')).toEqual({ required: false });
    expect(read("{}")).toEqual({ required: false });
    expect(read('{ workflow = "toondb/toondb/.github/workflows/release.yml" }')).toEqual(REQUIRED.policy);
    expect(read('{ workflow = "toondb/toondb/.github/workflows/release.yml", ref = "tag" }')).toEqual(REQUIRED.policy);
    expect(read('{ workflow = "toondb/toondb/.github/workflows/release.yml", ref = "any" }')).toEqual({ ...REQUIRED.policy, anyRef: true });
    expect(read('{ ref = "any" }')).toEqual({ required: false, anyRef: true });
  });

  it("is an error for sources that have no attestations API, and for malformed values", () => {
    expect(config('gitlab = "toondb/toondb"', '"verify"')).toThrow(/attestations needs a github source: .*a gitlab source does not have/);
    expect(config('url = "https://example.com/{asset}"', '"verify"')).toThrow(/a url source does not have/);
    expect(config('github = "toondb/toondb"', '"yes"')).toThrow(/attestations must be "verify" .* or a table: \{ workflow = .*with ref = "any"/);
    expect(config('github = "toondb/toondb"', '{ workflow = "release.yml" }')).toThrow(/must name a workflow file as "owner\/repo\/\.github\/workflows\/<file>\.yml"/);
    expect(config('github = "toondb/toondb"', '{ workflow = "toondb/toondb/.github/workflows/release.yml", ref = "main" }')).toThrow(/\[tool\.binwheel\.upstream\.attestations\] ref = "main" must be "tag" \(the default: made for the release's own tag\) or "any"/);
    expect(config('github = "toondb/toondb"', '{ workflow = "toondb/toondb/.github/workflows/release.yml", branch = "main" }')).toThrow(/\[tool\.binwheel\.upstream\.attestations\] branch is not a known key/);
  });
});

describe("fetching an attested asset through the GitHub stand-in", () => {
  let github: GitHubStandIn | undefined;
  afterEach(async () => {
    await github?.close();
    github = undefined;
    vi.restoreAllMocks();
  });

  const REQUIRE = 'attestations = { workflow = "toondb/toondb/.github/workflows/release.yml" }';
  const rootFile = () => {
    const file = path.join(tempDir(), "trusted_root.jsonl");
    writeFileSync(file, `${JSON.stringify(ROOT_JSON)}\n`);
    return file;
  };

  async function setup(bundles: Record<string, unknown>[], options: { byUrl?: boolean } = {}) {
    github = await GitHubStandIn.start();
    github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.2", assets: [{ name: ASSET, data: CONTENT }] });
    for (const b of bundles) github.addAttestation("toondb", "toondb", DIGEST, b, options);
    return { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: tempDir(), BINWHEEL_SIGSTORE_TRUSTED_ROOT: rootFile() };
  }

  async function fetchAsset(env: Record<string, string>, upstream: string, offline = false) {
    const pyproject = TOONDB_PYPROJECT.replace('asset = "toondb-{version}-{target}.{archive}"', `asset = "toondb-{version}-{target}.{archive}"\n${upstream}`);
    const root = tempProject({ "pyproject.toml": pyproject, "toondb/__init__.py": "" });
    const plan = planTarget(loadProject(root), { target: "x86_64-unknown-linux-gnu", offline, locked: false, verbose: false }, undefined, {});
    return (await fetchUpstreamAsset(plan, tempDir(), env, { offline }, root)).file;
  }

  const attestationRequests = () => github!.requests.filter((r) => r.url.includes("/attestations")).length;

  it("verifies a good bundle, records it in the cache index, and does not ask again on a warm build", async () => {
    const env = await setup([makeBundle()]);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(readFileSync(await fetchAsset(env, REQUIRE)).equals(CONTENT)).toBe(true);
    expect(stderr.mock.calls.join("")).toContain(`verified ${ASSET} (sha256:${DIGEST}): attested by a GitHub Actions run in toondb/toondb (toondb/toondb/.github/workflows/release.yml)`);
    const index = readdirSync(path.join(env.BINWHEEL_CACHE_DIR, "index")).map((f) => JSON.parse(readFileSync(path.join(env.BINWHEEL_CACHE_DIR, "index", f), "utf8")));
    expect(index[0].attestation).toBe("github.com/toondb/toondb signed by toondb/toondb/.github/workflows/release.yml at refs/tags/v0.3.2");
    const asked = attestationRequests();
    expect(asked).toBe(1);
    expect(github!.requests.find((r) => r.url.includes("/attestations/"))!.url).toMatch(new RegExp(`^/repos/toondb/toondb/attestations/sha256(:|%3A)${DIGEST}\\?.*predicate_type=provenance`));
    await fetchAsset(env, REQUIRE);
    expect(attestationRequests()).toBe(asked);
    // Offline too: the cache's record stands for the check.
    await fetchAsset(env, REQUIRE, true);
    expect(attestationRequests()).toBe(asked);
  });

  it("works in the bundled CLI too, whose Sigstore libraries load from _sigstore.mjs on demand: binwheel lock verifies, then refuses another workflow's bundle", async () => {
    const run = async (bundles: Record<string, unknown>[]) => {
      const env = await setup(bundles);
      const pyproject = TOONDB_PYPROJECT.replace('"aarch64-apple-darwin" = "auto"\n"x86_64-pc-windows-msvc" = "auto"\n', "")
        .replace('asset = "toondb-{version}-{target}.{archive}"', `asset = "toondb-{version}-{target}.{archive}"\n${REQUIRE}`);
      const root = tempProject({ "pyproject.toml": pyproject, "toondb/__init__.py": "" });
      const result = await execa(NODE, [path.join(REPO, "python_shim/binwheel/_core.mjs"), "lock", root], { env, reject: false });
      await github!.close();
      github = undefined;
      return result;
    };
    const good = await run([makeBundle()]);
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stderr).toContain(`verified ${ASSET} (sha256:${DIGEST}): attested by a GitHub Actions run in toondb/toondb`);
    const other = await run([makeBundle({ san: "https://github.com/toondb/toondb/.github/workflows/other.yml@refs/heads/main" })]);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/other\.yml/);
  });

  it("checks a pinned asset cached before the setting was added once, then goes by the cache's record", async () => {
    const env = await setup([makeBundle()]);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const pin = `sha256 = { "x86_64-unknown-linux-gnu" = "${DIGEST}" }`;
    await fetchAsset(env, pin);
    expect(attestationRequests()).toBe(0);
    await fetchAsset(env, `${pin}\n${REQUIRE}`);
    expect(attestationRequests()).toBe(1);
    await fetchAsset(env, `${pin}\n${REQUIRE}`);
    // Another policy is another question.
    await fetchAsset(env, `${pin}\nattestations = "verify"`);
    expect(attestationRequests()).toBe(2);
  });

  it("reads bundles served by URL, snappy-compressed, without sending the token there", async () => {
    const env = await setup([makeBundle()], { byUrl: true });
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await fetchAsset({ ...env, GH_TOKEN: "ghp_attestationToken123" }, REQUIRE);
    const blob = github!.requests.filter((r) => r.origin === "storage" && r.url.startsWith("/attestations/"));
    expect(blob).toHaveLength(1);
    expect(blob[0]!.authorization).toBeUndefined();
  });

  it.each([
    ["from another workflow", { san: "https://github.com/toondb/toondb/.github/workflows/nightly.yml@refs/heads/main" }, /it was signed by another workflow, .*nightly\.yml.*If upstream now releases from another workflow, name it in \[tool\.binwheel\.upstream\] attestations/],
    ["from another repository", { repository: "https://github.com/evil/toondb" }, /it was made in another repository, https:\/\/github\.com\/evil\/toondb, not https:\/\/github\.com\/toondb\/toondb\. Do not use this asset/],
    ["for another digest", { digest: sha("other bytes") }, /it is about another digest .* not this asset's\. Do not use this asset/],
    ["with a tampered signature", { tamper: true }, /it has a signature that does not verify .*The bundle is damaged or forged.*BINWHEEL_SIGSTORE_TRUSTED_ROOT/],
  ] as const)("stops on a bundle %s, naming the asset, and caches nothing", async (_, options, reason) => {
    const env = await setup([makeBundle(options)]);
    const message = await errorOf(fetchAsset(env, REQUIRE));
    expect(message).toMatch(new RegExp(`^GitHub \\(toondb/toondb\\) has an attestation for ${ASSET.replace(/\./g, "\\.")} \\(sha256:${DIGEST}\\), and none passes \\[tool\\.binwheel\\.upstream\\] attestations: `));
    expect(message).toMatch(reason);
    expect(message).not.toContain("\n");
    expect(readdirSync(path.join(env.BINWHEEL_CACHE_DIR, "index"))).toEqual([]);
    // "verify" fails as well on a bundle that is there but does not pass; it accepts any workflow of the repository.
    if ("san" in options) expect(readFileSync(await fetchAsset(env, 'attestations = "verify"')).equals(CONTENT)).toBe(true);
    else expect(await errorOf(fetchAsset(env, 'attestations = "verify"'))).toMatch(/none passes/);
  });

  it("refuses an older release's asset swapped into this release with its own genuine attestation, and caches nothing; ref = \"any\" accepts it", async () => {
    const env = await setup([makeBundle({ ref: "refs/tags/v0.3.1", san: RELEASE_YML.replace("v0.3.2", "v0.3.1") })]);
    const message = await errorOf(fetchAsset(env, REQUIRE));
    expect(message).toMatch(/none passes \[tool\.binwheel\.upstream\] attestations: it was made by a run for refs\/tags\/v0\.3\.1, not for the release's tag refs\/tags\/v0\.3\.2\. It may be an older release's asset put in this release's place: do not use it/);
    expect(message).toMatch(/set ref = "any" in \[tool\.binwheel\.upstream\] attestations\.$/);
    expect(readdirSync(path.join(env.BINWHEEL_CACHE_DIR, "index"))).toEqual([]);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const anyRef = 'attestations = { workflow = "toondb/toondb/.github/workflows/release.yml", ref = "any" }';
    expect(readFileSync(await fetchAsset(env, anyRef)).equals(CONTENT)).toBe(true);
  });

  it('warns when there is no bundle and attestations = "verify"', async () => {
    const env = await setup([]);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(readFileSync(await fetchAsset(env, 'attestations = "verify"')).equals(CONTENT)).toBe(true);
    expect(stderr.mock.calls.join("")).toContain(`warning: GitHub (toondb/toondb) has no attestation for ${ASSET} (sha256:${DIGEST}); it is used unattested`);
  });

  it("fails when there is no bundle and a workflow is required, and offline when none was verified", async () => {
    const env = await setup([]);
    expect(await errorOf(fetchAsset(env, REQUIRE))).toMatch(
      new RegExp(`^GitHub \\(toondb/toondb\\) has no attestation for ${ASSET.replace(/\./g, "\\.")} \\(sha256:${DIGEST}\\), and \\[tool\\.binwheel\\.upstream\\] attestations requires one signed by toondb/toondb/\\.github/workflows/release\\.yml\\. .*actions/attest-build-provenance.*set GH_TOKEN or GITHUB_TOKEN`),
    );
    expect(readdirSync(path.join(env.BINWHEEL_CACHE_DIR, "index"))).toEqual([]);
    // The asset cached without the setting, then built offline with it: never verified, so refused.
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await fetchAsset(env, "");
    expect(await errorOf(fetchAsset(env, REQUIRE, true))).toMatch(/^offline mode is on .* the attestation of .* was never verified in the download cache; .*requires one signed by/);
  });

  it("checks bundles beside the asset in BINWHEEL_ASSET_DIR (gh attestation download's file)", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ASSET), CONTENT);
    const env = { BINWHEEL_ASSET_DIR: dir, BINWHEEL_SIGSTORE_TRUSTED_ROOT: rootFile() };
    expect(await errorOf(fetchAsset(env, REQUIRE))).toMatch(/BINWHEEL_ASSET_DIR=.* \(no sha256:[0-9a-f]{64}\.jsonl from `gh attestation download`\) has no attestation/);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `sha256:${DIGEST}.jsonl`), `${JSON.stringify(makeBundle({ tamper: true }))}\n${JSON.stringify(makeBundle())}\n`);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(readFileSync(await fetchAsset(env, REQUIRE)).equals(CONTENT)).toBe(true);
  });
});
