import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { redact } from "../../src/errors.js";
import { GitHubReleases, githubAccess, type AssetRequest } from "../../src/upstream/github.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { tempDir } from "../support/tmp.js";

const TOKEN = "ghp_standInSecretToken123";
let github: GitHubStandIn | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

const request = (assetName: string, tag = "v0.3.2"): AssetRequest => ({
  owner: "toondb", repo: "toondb", tag, assetName, assetKey: '[tool.binwheel.upstream] asset = "toondb-{version}-{target}.{archive}"',
});

async function standIn(options: Parameters<typeof GitHubStandIn.start>[0] = {}, assets = 3) {
  github = await GitHubStandIn.start(options);
  github.addRelease({
    owner: "toondb", repo: "toondb", tag: "v0.3.2",
    assets: Array.from({ length: assets }, (_, i) => ({ name: `asset-${i}.tar.gz`, data: Buffer.alloc(1000 + i, i) })),
  });
  return github;
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return redact((e as Error).message);
  }
  throw new Error("expected an error");
}

describe("GitHubReleases", () => {
  it("finds the asset and streams it through the redirect without the token", async () => {
    const gh = await standIn();
    const client = new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl, GH_TOKEN: TOKEN, GITHUB_TOKEN: "other" }));
    const asset = await client.findAsset(request("asset-1.tar.gz"));
    expect(asset).toMatchObject({ name: "asset-1.tar.gz", size: 1001 });
    const file = path.join(tempDir(), "a");
    const got = await client.download(request("asset-1.tar.gz"), asset, file);
    expect(readFileSync(file)).toEqual(Buffer.alloc(1001, 1));
    expect(got.sha256).toBe(createHash("sha256").update(Buffer.alloc(1001, 1)).digest("hex"));
    const api = gh.requests.filter((r) => r.origin === "api");
    const storage = gh.requests.filter((r) => r.origin === "storage");
    expect(api.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true); // GH_TOKEN wins over GITHUB_TOKEN
    expect(storage).toHaveLength(1);
    expect(storage[0]!.authorization).toBeUndefined();
  });

  it("lists the assets when the release object does not embed the wanted one", async () => {
    const gh = await standIn({ embeddedAssets: 1 }, 250);
    const client = new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl }));
    expect((await client.findAsset(request("asset-249.tar.gz"))).size).toBe(1249);
    expect(gh.requests.filter((r) => r.url.includes("/assets?")).length).toBe(3); // 100 + 100 + 50
  });

  it("explains a missing release, naming the tag and the token", async () => {
    const gh = await standIn();
    const withoutToken = new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl }));
    const message = await errorOf(withoutToken.findAsset(request("asset-0.tar.gz", "v9.9.9")));
    expect(message).toMatch(/GitHub has no published release tagged "v9\.9\.9" in toondb\/toondb/);
    expect(message).toMatch(/-C upstream-version=/);
    expect(message).toMatch(/set GH_TOKEN or GITHUB_TOKEN/);
  });

  it("treats a private repository without a token as not found, and works with the token", async () => {
    const gh = await standIn({ requireToken: TOKEN });
    expect(await errorOf(new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl })).findAsset(request("asset-0.tar.gz")))).toMatch(/private/);
    const withToken = new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl, GITHUB_TOKEN: TOKEN }));
    expect((await withToken.findAsset(request("asset-0.tar.gz"))).name).toBe("asset-0.tar.gz");
  });

  it("lists the release's assets when the asset is missing", async () => {
    const gh = await standIn();
    const message = await errorOf(new GitHubReleases(githubAccess({ GITHUB_API_URL: gh.apiUrl })).findAsset(request("toondb-0.3.2-riscv.tar.gz")));
    expect(message).toMatch(/release "v0\.3\.2" of toondb\/toondb has no asset named "toondb-0\.3\.2-riscv\.tar\.gz" \(from \[tool\.binwheel\.upstream\] asset = /);
    expect(message).toMatch(/Its assets are: asset-0\.tar\.gz, asset-1\.tar\.gz, asset-2\.tar\.gz\./);
  });

  it("names the host on network failure and never shows the token", async () => {
    const gh = await standIn();
    const dead = gh.apiUrl;
    await gh.close();
    github = undefined;
    const client = new GitHubReleases(githubAccess({ GITHUB_API_URL: dead, GH_TOKEN: TOKEN }));
    const message = await errorOf(client.findAsset(request("asset-0.tar.gz")));
    expect(message).toMatch(new RegExp(`could not reach ${dead.replace("http://", "").replace(/\./g, "\\.")}`));
    expect(message).not.toContain(TOKEN);
  });
});
