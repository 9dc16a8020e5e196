import { describe, expect, it } from "vitest";
import type { Artifact } from "../../src/release/artifacts.js";
import { mdText, releasePageUrl, renderNotes, renderSummary, type ReleaseFacts } from "../../src/release/notes.js";

const sha = "a".repeat(64);
const wheel = (name: string, target: string, tags: string): Artifact => ({ file: `/d/${name}`, name, kind: "wheel", target, tags, size: 1048576, sha256: sha });

function facts(v: { name?: string; version?: string; upstreamRepo?: string; upstreamTag?: string; file?: string; target?: string; tags?: string } = {}): ReleaseFacts {
  const upstreamRepo = v.upstreamRepo ?? "toondb/toondb";
  const upstreamTag = v.upstreamTag ?? "v0.3.2";
  return {
    name: v.name ?? "toondb-client",
    version: v.version ?? "0.3.2",
    repo: "toondb/toondb-python-sdk",
    tag: "v0.3.2",
    upstream: { repo: upstreamRepo, tag: upstreamTag, url: releasePageUrl("https://github.com", upstreamRepo, upstreamTag) },
    artifacts: [
      wheel(v.file ?? "toondb_client-0.3.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", v.target ?? "x86_64-unknown-linux-gnu", v.tags ?? "manylinux_2_17_x86_64.manylinux2014_x86_64"),
      { file: "/d/toondb_client-0.3.2.tar.gz", name: "toondb_client-0.3.2.tar.gz", kind: "sdist", size: 2048, sha256: sha },
    ],
    releaseUrl: "https://github.com/toondb/toondb-python-sdk/releases/tag/v0.3.2",
    pypiUrl: "https://pypi.org/project/toondb-client/0.3.2/",
  };
}

const HOSTILE = [
  "1.0](https://evil)",
  "<img src=x onerror=alert(1)>",
  "# heading\n",
  "| a | b |",
  "`rm -rf /` ``x``",
  "x\n\n[click](https://evil) <!-- -->",
  "https://evil.example/x www.evil.example a@evil.example",
  "*bold* _em_ ~~gone~~ $x$ \\",
  "\u202egnp.exe\r\n## h",
];

/** What Markdown reads as syntax: backslash-escaped characters dropped, the pip line (code, shown as typed) left out. */
const syntax = (md: string) => md.split("\n").filter((l) => !l.startsWith("pip install ")).join("\n").replace(/\\[\s\S]/g, "");

/** Checks that `md`, read as GitHub-flavoured Markdown, has only the structure `clean` has. */
function expectInert(md: string, clean: string): void {
  expect(md.split("\n").length, md).toBe(clean.split("\n").length); // no line injected
  expect(md).not.toMatch(/[\u202e\r]/); // no bidi override, no carriage return
  const plain = syntax(md);
  const base = syntax(clean);
  expect(plain).not.toMatch(/[<>]/); // no HTML
  expect(plain.split("\n").filter((l) => l.startsWith("#"))).toHaveLength(1); // one heading: ours
  const cells = (s: string) => s.split("\n").filter((l) => l.startsWith("|")).map((l) => l.split("|").length);
  expect(cells(plain)).toEqual(cells(base)); // table rows keep their cells
  // Links: only ours, each to an encoded address.
  const links = (s: string) => [...s.matchAll(/\[[^\]]*\]\(([^)]*)\)/g)].map((m) => m[1]!);
  expect(links(plain)).toHaveLength(links(base).length);
  for (const href of links(plain)) expect(href).toMatch(/^https:\/\/(github\.com|pypi\.org)\/[A-Za-z0-9\-._~%/]+$/);
  const text = plain.replace(/\]\([^)]*\)/g, "]").replace(/`[0-9a-f]{64}`/g, "").replace(/^```$/gm, "");
  expect(text).not.toMatch(/`/); // no code span but the checksums and the pip line
  expect(text).not.toMatch(/:\/\/|www\.|@|[*~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/); // no autolink, emphasis, math
}

describe("release notes and summary", () => {
  it("leave ordinary names, versions, tags and file names as they are", () => {
    for (const value of ["0.3.2", "1.0.0rc1", "v0.3.2", "toondb/toondb", "toondb-client", "x86_64-unknown-linux-gnu", "toondb_client-0.3.2-py3-none-macosx_11_0_arm64.whl"]) {
      expect(mdText(value)).toBe(value);
    }
    expect(renderNotes(facts())).toBe(
      [
        "## toondb-client 0.3.2",
        "",
        "Install it with pip:",
        "",
        "```",
        "pip install toondb-client==0.3.2",
        "```",
        "",
        "The wheels bundle the binaries of [toondb/toondb v0.3.2](https://github.com/toondb/toondb/releases/tag/v0.3.2).",
        "",
        "| File | Platform | SHA-256 |",
        "|---|---|---|",
        `| toondb_client-0.3.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl | manylinux_2_17_x86_64, manylinux2014_x86_64 | \`${sha}\` |`,
        `| toondb_client-0.3.2.tar.gz | source | \`${sha}\` |`,
        "",
      ].join("\n"),
    );
    expect(renderSummary(facts(), "released")).toContain("- GitHub release: [toondb/toondb-python-sdk v0.3.2](https://github.com/toondb/toondb-python-sdk/releases/tag/v0.3.2)");
  });

  it("escape hostile values so they make no link, HTML, heading, table cell or code span", () => {
    expect(mdText("1.0](https://evil)")).toBe("1.0\\](https\\://evil)");
    expect(mdText("<img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
    expect(mdText("# heading\n")).toBe("\\# heading ");
    expect(mdText("| a | b |")).toBe("\\| a \\| b \\|");
    expect(mdText("`x`")).toBe("\\`x\\`");
    const clean = { notes: renderNotes(facts()), summary: renderSummary(facts(), "released") };
    for (const bad of HOSTILE) {
      for (const field of ["name", "version", "upstreamRepo", "upstreamTag", "file", "target", "tags"] as const) {
        const f = facts({ [field]: bad });
        expectInert(renderNotes(f), clean.notes);
        expectInert(renderSummary(f, "released"), clean.summary);
      }
    }
  });

  it("list the lock's upstream digests, when the project has a lock, and keep them inert", () => {
    const locked = { ...facts(), locked: [{ target: "x86_64-unknown-linux-gnu", asset: "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz", sha256: "b".repeat(64) }] };
    expect(renderNotes(locked)).toContain(
      "The upstream assets, as binwheel.lock pins them (every wheel was built from these bytes):\n\n| Target | Upstream asset | SHA-256 |\n|---|---|---|\n" +
        `| x86_64-unknown-linux-gnu | toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz | \`${"b".repeat(64)}\` |\n`,
    );
    expect(renderNotes(facts())).not.toContain("binwheel.lock");
    const clean = renderNotes(locked);
    for (const bad of HOSTILE) expectInert(renderNotes({ ...locked, locked: [{ target: "x86_64-unknown-linux-gnu", asset: bad, sha256: "b".repeat(64) }] }), clean);
  });

  it("percent-encode addresses: path parts built from values, and any address given", () => {
    expect(releasePageUrl("https://github.com/", "toondb/toondb", "v1.0?x#y/../z (1)")).toBe(
      "https://github.com/toondb/toondb/releases/tag/v1.0%3Fx%23y%2F..%2Fz%20%281%29",
    );
    const given = { ...facts(), upstream: { repo: "o/r", tag: "t", url: 'https://github.com/o/r/releases/tag/1.0) "t" [x](https://evil' } };
    expect(renderNotes(given)).toContain("[o/r t](https://github.com/o/r/releases/tag/1.0%29%20%22t%22%20%5Bx%5D%28https://evil)");
    const script = { ...facts(), upstream: { repo: "o/r", tag: "t", url: "javascript:alert(1)" } };
    expect(renderNotes(script)).toContain("The wheels bundle the binaries of o/r t.");
  });
});
