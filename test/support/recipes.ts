// The documentation's recipes (examples/recipes/*.toml) and, for each, an upstream laid out as
// the real project lays out its releases: archives made by the real tar, xz, gzip and zip,
// checksum files in the project's own format, served by local stand-ins for GitHub, GitLab or a
// download site. A download site's files are also written to a local folder, as `binwheel init
// --from-dir` reads them. Used by recipes.test.ts (the recipes as written) and init.test.ts
// (the configurations init writes for the same releases).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixtureLibrary } from "./fixtures.js";
import type { GitHubStandIn } from "./github-standin.js";
import type { GitLabStandIn } from "./gitlab-standin.js";
import type { HttpStandIn } from "./http-standin.js";
import { REPO } from "./project.js";

export const TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"] as const;
export type Triple = (typeof TARGETS)[number];

export const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
export const recipe = (name: string) => readFileSync(path.join(REPO, "examples/recipes", `${name}.toml`), "utf8");
const binary = (triple: Triple) => fixtureLibrary(triple);
const exe = (triple: Triple) => (triple.includes("windows") ? ".exe" : "");
const GO: Record<Triple, [string, string]> = { "x86_64-unknown-linux-gnu": ["linux", "amd64"], "aarch64-apple-darwin": ["darwin", "arm64"], "x86_64-pc-windows-msvc": ["windows", "amd64"] };

export interface Hosts {
  work: string;
  github: GitHubStandIn;
  site: HttpStandIn;
  gitlab: GitLabStandIn;
}

export interface Published {
  /** The recipe as the builds use it: its text, the host swapped for the stand-in's (and Zig's pins filled). */
  toml: string;
  /** The environment that points binwheel at the stand-in. */
  env: Record<string, string>;
  /** binwheel init's arguments for the same release. */
  init: string[];
}

/** The files `files` as an archive made by the real tools; `top` is the folder they sit in, if any. */
export function pack(work: string, kind: "tar.xz" | "tar.gz" | "zip", files: Record<string, Buffer | string>, top?: string): Buffer {
  const stage = mkdtempSync(path.join(work, "stage-"));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(stage, top ?? "", name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, Buffer.isBuffer(content) ? 0o755 : 0o644);
  }
  const out = path.join(stage, `out.${kind}`);
  const what = top ? [top] : Object.keys(files);
  if (kind === "zip") execFileSync("zip", ["-qrX", out, ...what], { cwd: stage });
  else execFileSync("tar", [kind === "tar.xz" ? "-cJf" : "-czf", out, ...what], { cwd: stage, env: { ...process.env, XZ_OPT: "-6" } });
  return readFileSync(out);
}

/** A download site's release: each file served at `base`/name and written to a local folder (init's --from-dir). */
function siteRelease(h: Hosts, name: string, base: string, files: [string, Buffer | string][]): string {
  const dir = path.join(h.work, `${name}-files`);
  for (const [file, data] of files) {
    h.site.file(`${base}/${file}`, data);
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), data);
  }
  return dir;
}

/** Each recipe: its upstream's version, and how its release is published on a stand-in. */
export const RECIPES: Record<string, { version: string; publish: (h: Hosts) => Published }> = {
  "cargo-dist": {
    version: "0.9.0",
    publish: (h) => {
      const assets = TARGETS.flatMap((triple) => {
        const files = { [`mytool${exe(triple)}`]: binary(triple), "LICENSE-MIT": "MIT\n", "README.md": "# mytool\n" };
        const name = `mytool-${triple}.${triple.includes("windows") ? "zip" : "tar.xz"}`;
        const data = triple.includes("windows") ? pack(h.work, "zip", files) : pack(h.work, "tar.xz", files, `mytool-${triple}`);
        // cargo-dist writes "<hex> *<name>" (binary mode).
        return [{ name, data, digest: null }, { name: `${name}.sha256`, data: Buffer.from(`${sha(data)} *${name}\n`), digest: null }];
      });
      h.github.addRelease({ owner: "acme", repo: "mytool", tag: "v0.9.0", assets });
      return { toml: recipe("cargo-dist"), env: { GITHUB_API_URL: h.github.apiUrl }, init: ["--github", "acme/mytool"] };
    },
  },
  goreleaser: {
    version: "2.60.0",
    publish: (h) => {
      const plats: Record<Triple, [string, "tar.gz" | "zip"]> = {
        "x86_64-unknown-linux-gnu": ["linux_amd64", "tar.gz"], "aarch64-apple-darwin": ["macOS_arm64", "zip"], "x86_64-pc-windows-msvc": ["windows_amd64", "zip"],
      };
      const assets = TARGETS.map((triple) => {
        const [plat, kind] = plats[triple];
        const top = `gh_2.60.0_${plat}`;
        return { name: `${top}.${kind}`, data: pack(h.work, kind, { [`bin/gh${exe(triple)}`]: binary(triple), LICENSE: "MIT\n" }, triple.includes("windows") ? undefined : top), digest: null };
      });
      const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
      // What else a GitHub CLI release carries: OS packages, and the checksums' signature.
      const extra = [
        { name: "gh_2.60.0_linux_amd64.deb", data: Buffer.from("!<arch>\n"), digest: null },
        { name: "gh_2.60.0_linux_amd64.rpm", data: Buffer.from("\xed\xab\xee\xdb"), digest: null },
        { name: "gh_2.60.0_windows_amd64.msi", data: Buffer.from("msi"), digest: null },
        { name: "gh_2.60.0_checksums.txt.sig", data: Buffer.from("sig"), digest: null },
      ];
      h.github.addRelease({ owner: "cli", repo: "cli", tag: "v2.60.0", assets: [...assets, ...extra, { name: "gh_2.60.0_checksums.txt", data: Buffer.from(sums), digest: null }] });
      return { toml: recipe("goreleaser"), env: { GITHUB_API_URL: h.github.apiUrl }, init: ["--github", "cli/cli", "--tag", "v2.60.0"] };
    },
  },
  node: {
    version: "20.18.0",
    publish: (h) => {
      const plats: Record<Triple, [string, "tar.xz" | "tar.gz" | "zip"]> = {
        "x86_64-unknown-linux-gnu": ["linux-x64", "tar.xz"], "aarch64-apple-darwin": ["darwin-arm64", "tar.gz"], "x86_64-pc-windows-msvc": ["win-x64", "zip"],
      };
      const files: [string, Buffer][] = [];
      for (const triple of TARGETS) {
        const [plat, kind] = plats[triple];
        const top = `node-v20.18.0-${plat}`;
        const content: Record<string, Buffer | string> = triple.includes("windows") ? { "node.exe": binary(triple), "npm.cmd": "@echo off\n" } : { "bin/node": binary(triple), "include/node/node.h": "/* node */\n" };
        files.push([`${top}.${kind}`, pack(h.work, kind, content, top)]);
      }
      files.push(["SHASUMS256.txt", Buffer.from(`${files.map(([n, d]) => `${sha(d)}  ${n}`).join("\n")}\n`)]);
      const dir = siteRelease(h, "node", "/dist/v20.18.0", files);
      return { toml: recipe("node").replace("https://nodejs.org", h.site.url), env: {}, init: ["--from-dir", dir, "--url", `${h.site.url}/dist/v20.18.0/`] };
    },
  },
  zig: {
    version: "0.14.0",
    publish: (h) => {
      let toml = recipe("zig").replace("https://ziglang.org", h.site.url);
      const files: [string, Buffer][] = [];
      for (const triple of TARGETS) {
        const [arch, os] = [triple.split("-")[0], triple.includes("apple") ? "macos" : triple.includes("windows") ? "windows" : "linux"];
        const top = `zig-${arch}-${os}-0.14.0`;
        const kind = triple.includes("windows") ? "zip" : "tar.xz";
        const data = pack(h.work, kind, { [`zig${exe(triple)}`]: binary(triple), "lib/std/std.zig": "pub const std = 1;\n", LICENSE: "MIT\n" }, top);
        files.push([`${top}.${kind}`, data]);
        toml = toml.replace(new RegExp(`("${triple}" = )"<[^>]*>"`), `$1"${sha(data)}"`);
      }
      const dir = siteRelease(h, "zig", "/download/0.14.0", files);
      return { toml, env: {}, init: ["--from-dir", dir, "--url", `${h.site.url}/download/0.14.0`] };
    },
  },
  hashicorp: {
    version: "1.9.0",
    publish: (h) => {
      const files: [string, Buffer][] = TARGETS.map((triple) => [`terraform_1.9.0_${GO[triple].join("_")}.zip`, pack(h.work, "zip", { [`terraform${exe(triple)}`]: binary(triple), "LICENSE.txt": "BUSL\n" })]);
      files.push(["terraform_1.9.0_SHA256SUMS", Buffer.from(`${files.map(([n, d]) => `${sha(d)}  ${n}`).join("\n")}\n`)]);
      const dir = siteRelease(h, "hashicorp", "/terraform/1.9.0", files);
      return { toml: recipe("hashicorp").replace("https://releases.hashicorp.com", h.site.url), env: {}, init: ["--from-dir", dir, "--url", `${h.site.url}/terraform/1.9.0/{asset}`] };
    },
  },
  jq: {
    version: "1.7.1",
    publish: (h) => {
      const names: Record<Triple, string> = { "x86_64-unknown-linux-gnu": "jq-linux-amd64", "aarch64-apple-darwin": "jq-macos-arm64", "x86_64-pc-windows-msvc": "jq-windows-amd64.exe" };
      const assets = TARGETS.map((triple) => ({ name: names[triple], data: binary(triple), digest: null }));
      const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
      // jq also publishes the source, which names no platform.
      const source = { name: "jq-1.7.1.tar.gz", data: pack(h.work, "tar.gz", { "configure.ac": "AC_INIT\n" }, "jq-1.7.1"), digest: null };
      h.github.addRelease({ owner: "jqlang", repo: "jq", tag: "jq-1.7.1", assets: [...assets, source, { name: "sha256sum.txt", data: Buffer.from(sums), digest: null }] });
      return { toml: recipe("jq"), env: { GITHUB_API_URL: h.github.apiUrl }, init: ["--github", "jqlang/jq"] };
    },
  },
  kubectl: {
    version: "1.31.0",
    publish: (h) => {
      const files: [string, Buffer | string][] = TARGETS.flatMap((triple): [string, Buffer | string][] => {
        const file = `bin/${GO[triple].join("/")}/kubectl${exe(triple)}`;
        return [[file, binary(triple)], [`${file}.sha256`, sha(binary(triple))]];
      });
      const dir = siteRelease(h, "kubectl", "/release/v1.31.0", files);
      return { toml: recipe("kubectl").replace("https://dl.k8s.io", h.site.url), env: {}, init: ["--from-dir", dir, "--url", `${h.site.url}/release/v1.31.0/`] };
    },
  },
  gitlab: {
    version: "2.1.0",
    publish: (h) => {
      const links = TARGETS.map((triple) => {
        const kind = triple.includes("windows") ? "zip" : "tar.gz";
        const name = `mytool-2.1.0-${GO[triple].join("-")}.${kind}`;
        return { name, data: pack(h.work, kind, { [`bin/mytool${exe(triple)}`]: binary(triple) }, triple.includes("windows") ? undefined : `mytool-2.1.0`) };
      });
      const sums = links.map((l) => `${sha(l.data)}  ${l.name}\n`).join("");
      h.gitlab.addRelease({ project: "acme/tools/mytool", tag: "v2.1.0", links: [...links, { name: "mytool-2.1.0-SHA256SUMS", data: Buffer.from(sums) }] });
      return { toml: recipe("gitlab"), env: { GITLAB_API_URL: h.gitlab.apiUrl }, init: ["--gitlab", "acme/tools/mytool"] };
    },
  },
};
