// binwheel.lock as a file: what renderLock writes, readLock reads back exactly (whatever a valid
// value holds: quotes, backslashes, DEL, non-ASCII), and every malformed or hostile value is one
// paragraph naming the key, never a crash, never accepted.
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { vi } from "vitest";
import { readLock, renderLock, type Lock, type LockedAsset } from "../../src/config/lock.js";
import { redact, redactUrl } from "../../src/errors.js";
import { writeLock } from "../../src/release/locking.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { tempDir, tempProject } from "../support/tmp.js";

const SHA = "ab".repeat(32);
const entry = { source: "github:toondb/toondb", tag: "v0.3.2", commit: "c".repeat(40), asset: "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz", url: "https://api.github.com/repos/toondb/toondb/releases/assets/1", size: 1234, sha256: SHA };

function withLock(text: string): string {
  const root = tempDir();
  writeFileSync(path.join(root, "binwheel.lock"), text);
  return root;
}

function errorOf(root: string): string {
  try {
    readLock(root);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("binwheel.lock", () => {
  it("reads back exactly what it writes, for values with quotes, backslashes, DEL and non-ASCII", () => {
    const lock: Lock = {
      upstreamVersion: "1.0.0+local~rc_1",
      targets: new Map<string, LockedAsset>([
        ["x86_64-unknown-linux-gnu", entry],
        ["aarch64-apple-darwin", { source: "url", asset: "tööl-(x) y.tar.gz", url: "https://example.com/dl\u007f/\u00e9/%22\"b\\c\"", size: 0, sha256: SHA }],
        ["x86_64-pc-windows-msvc", { source: "path", asset: "tool.zip", size: Number.MAX_SAFE_INTEGER, sha256: SHA }],
      ]),
    };
    const text = renderLock(lock);
    expect(text).not.toMatch(/\u007f/);
    expect(Object.keys(Object.fromEntries(text.split("\n").filter((l) => l.startsWith("[targets.")).map((l) => [l, 1])))).toEqual([
      '[targets."aarch64-apple-darwin"]', '[targets."x86_64-pc-windows-msvc"]', '[targets."x86_64-unknown-linux-gnu"]',
    ]);
    expect(readLock(withLock(text))).toEqual(lock);
  });

  it.each([
    ["not TOML", "lock-version = 1\n[", /binwheel\.lock: it is not valid TOML/],
    ["another lock version", 'lock-version = 2\nupstream-version = "1"\n', /lock-version is number 2, and this binwheel reads lock-version 1/],
    ["an unknown key", 'lock-version = 1\nupstream-version = "1"\nextra = 1\n', /binwheel\.lock: "extra" is not a key it may hold/],
    ["a version that makes a path", 'lock-version = 1\nupstream-version = "../1"\n', /upstream-version "\.\.\/1" is not a usable upstream version/],
    ["an unknown target", 'lock-version = 1\nupstream-version = "1"\n[targets."x86_64-evil"]\n', /targets\."x86_64-evil" is not a target binwheel knows/],
    ["an asset name that is a path", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "../x"\nsize = 1\nsha256 = "${SHA}"\n`, /\.asset must be a file name, but it is the string "\.\.\/x"/],
    ["a control character in an asset name", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a\\u001bb"\nsize = 1\nsha256 = "${SHA}"\n`, /\.asset must be a file name/],
    ["a short hash", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nsize = 1\nsha256 = "00"\n`, /\.sha256 must be 64 lowercase hex digits/],
    ["a negative size", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nsize = -1\nsha256 = "${SHA}"\n`, /\.size must be a whole number of bytes/],
    ["a huge size", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nsize = 1e400\nsha256 = "${SHA}"\n`, /\.size must be a whole number of bytes/],
    ["a file: URL", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nurl = "file:///etc/passwd"\nsize = 1\nsha256 = "${SHA}"\n`, /\.url must be an http\(s\) URL/],
    ["a URL with a query (a signed link)", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nurl = "https://example.com/a?X-Amz-Signature=s3cr3t"\nsize = 1\nsha256 = "${SHA}"\n`, /\.url must be an http\(s\) URL without a login, query or fragment/],
    ["a URL with a login", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "url"\nasset = "a"\nurl = "https://me:s3cr3t@example.com/a"\nsize = 1\nsha256 = "${SHA}"\n`, /\.url must be an http\(s\) URL without a login, query or fragment/],
    ["a tag with a newline", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "github:a/b"\ntag = "v1\\nx"\nasset = "a"\nsize = 1\nsha256 = "${SHA}"\n`, /\.tag must be a release tag/],
    ["an unknown source", `lock-version = 1\nupstream-version = "1"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "ftp"\nasset = "a"\nsize = 1\nsha256 = "${SHA}"\n`, /\.source must be a source/],
  ])("refuses %s, in one paragraph that says how to fix it", (_, text, message) => {
    const error = errorOf(withLock(text));
    expect(error).toMatch(message);
    expect(error).toMatch(/run binwheel lock to write it again/);
    expect(error).not.toContain("\n");
    // As printed: a URL's login and query never show.
    expect(redact(error)).not.toContain("s3cr3t");
  });

  it("reads no lock through a link out of the project, from a FIFO, or from a folder", () => {
    const outside = tempDir();
    writeFileSync(path.join(outside, "other.lock"), renderLock({ upstreamVersion: "1", targets: new Map() }));
    const linked = tempDir();
    symlinkSync(path.join(outside, "other.lock"), path.join(linked, "binwheel.lock"));
    expect(errorOf(linked)).toMatch(/binwheel\.lock is a link to .*other\.lock, outside the project; a lock must be a file in the project/);
    const fifo = tempDir();
    execFileSync("mkfifo", [path.join(fifo, "binwheel.lock")]);
    expect(errorOf(fifo)).toMatch(/binwheel\.lock: .*FIFO.*binwheel reads only regular files/);
    const folder = tempDir();
    mkdirSync(path.join(folder, "binwheel.lock"));
    expect(errorOf(folder)).toMatch(/^binwheel\.lock: .*(folder|directory).*binwheel reads only regular files/);
    expect(readLock(tempDir())).toBeUndefined();
  });
});

describe("binwheel lock", () => {
  it("records a release link's URL without its query (a signature), and reads back what it wrote", async () => {
    const data = Buffer.from("the linked asset");
    const gl = await GitLabStandIn.start();
    try {
      gl.addRelease({ project: "tools/tool", tag: "v1.0.0", links: [{ name: "tool-x86_64.tar.gz", data, on: "external", direct: false, query: "?X-Amz-Signature=s3cr3t&expires=1" }] });
      const root = tempProject({
        "pyproject.toml": '[project]\nname = "tool-py"\nversion = "1.0.0"\n\n[tool.binwheel]\npackages = ["tool"]\n\n[tool.binwheel.upstream]\ngitlab = "tools/tool"\nasset = "tool-x86_64.tar.gz"\n' +
          `sha256 = { "x86_64-unknown-linux-gnu" = "${createHash("sha256").update(data).digest("hex")}" }\n\n[tool.binwheel.targets]\n"x86_64-unknown-linux-gnu" = "auto"\n\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "tool/_bin"\n`,
        "tool/__init__.py": "",
      });
      vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      const lock = await writeLock(root, { offline: false, locked: false, verbose: false }, { GITLAB_API_URL: gl.apiUrl, BINWHEEL_CACHE_DIR: tempDir() });
      const text = readFileSync(path.join(root, "binwheel.lock"), "utf8");
      expect(text).toContain(`url = "${gl.external.url}/downloads/v1.0.0/tool-x86_64.tar.gz"\n`);
      expect(text).not.toContain("s3cr3t");
      expect(readLock(root)).toEqual(lock);
    } finally {
      vi.restoreAllMocks();
      await gl.close();
    }
  });
});

describe("URLs in what binwheel prints", () => {
  it("lose their login, query and fragment, and registered secrets are masked, wherever they are in a message", () => {
    expect(redact("fetching https://me:pa@ss@host.example.org:8443/a/b?token=s3cr3t#frag). Then ftp://u:s3cr3t@f.example/x, and 'http://h/?q=s3cr3t'.")).toBe(
      "fetching https://host.example.org:8443/a/b). Then ftp://f.example/x, and 'http://h/'.",
    );
    expect(redact("https://example.org/{asset}?x=1 stays a template: https://example.org/{asset}")).toBe("https://example.org/{asset} stays a template: https://example.org/{asset}");
  });

  it.each([
    ["three slashes", "https:///me:s3cr3t@git.example.org/api/v4", "https:///git.example.org/api/v4"],
    ["one slash", "https:/me:s3cr3t@git.example.org/api/v4", "https:/git.example.org/api/v4"],
    ["no slash", "https:me:s3cr3t@git.example.org/api/v4", "https:git.example.org/api/v4"],
    ["backslashes", "HTTPS:\\\\me:s3cr3t@git.example.org/api/v4", "HTTPS:\\\\git.example.org/api/v4"],
    ["a space that is not ASCII before the query", "https://h.example.org/x\u3000?token=s3cr3t", "https://h.example.org/x\u3000"],
    ...["'", '"', "`", "<"].map((quote) => [`a ${quote} in the password`, `https://me:s3cr3t${quote}x@git.example.org/api/v4`, "https://git.example.org/api/v4"]),
  ])("lose their login in every form a URL parser reads as one: %s", (_, url, shown) => {
    expect(new URL(url).password || new URL(url).search).toMatch(/s3cr3t/);
    expect(redactUrl(url)).toBe(shown);
    expect(redact(`GITLAB_API_URL is ${url}; check it.`)).toBe(`GITLAB_API_URL is ${shown}; check it.`);
  });

  it.each([
    ["a ? in the password", "https://me:pa?ss@files.example.org/x", "https://files.example.org/x"],
    ["a # in the password", "https://me:pa#ss@files.example.org/x", "https://files.example.org/x"],
  ])("lose a password that URL parsers cannot read either: %s", (_, url, shown) => {
    expect(URL.canParse(url)).toBe(false);
    expect(redactUrl(url)).toBe(shown);
    expect(redact(`url "${url}" is not valid.`)).toBe(`url "${shown}" is not valid.`);
  });

  it("lose their login when a tab or line break sits inside the scheme, which URL parsers drop", () => {
    const url = "ht\ttps://me:s3cr3t@git.example.org/api/v4";
    expect(new URL(url).password).toBe("s3cr3t");
    expect(redactUrl(url)).toBe("https://git.example.org/api/v4");
    expect(redactUrl(` \n${url}`)).toBe("https://git.example.org/api/v4");
    expect(redact(`GITLAB_API_URL is ${url}; check it.`)).not.toContain("s3cr3t");
  });
});
