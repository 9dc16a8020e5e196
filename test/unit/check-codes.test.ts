// binwheel check's codes: one registry (src/check/codes.ts), which the docs' table is checked
// against, every code used by a rule and every rule's code registered; and its METADATA verdicts
// next to packaging's validator (the one PyPI and twine run), on the same texts.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, inject, it } from "vitest";
import { CODES, codesMatching } from "../../src/check/codes.js";
import { checkCoreMetadata, parseCoreMetadata } from "../../src/check/metadata.js";

const REPO = path.resolve(import.meta.dirname, "../..");

/** How the docs name a rule's link: the spec's page and section, the warehouse file, the PEP. */
function label(url: string): string {
  const spec = /specifications\/([^/]+)\/(?:#(.+))?$/.exec(url);
  if (spec) return spec[2] ? `${spec[1]} § ${spec[2]}` : spec[1]!;
  const warehouse = /warehouse\/blob\/main\/warehouse\/(.+)$/.exec(url);
  if (warehouse) return `warehouse ${warehouse[1]}`;
  const pep = /peps\.python\.org\/pep-0*(\d+)/.exec(url);
  if (pep) return `PEP ${pep[1]}`;
  const uv = /astral-sh\/uv\/pull\/(\d+)/.exec(url);
  if (uv) return `uv#${uv[1]}`;
  if (url.startsWith("https://docs.pypi.org/archives")) return "PyPI: archives";
  if (url.startsWith("https://cyclonedx.org/")) return "CycloneDX 1.6";
  if (url.startsWith("https://github.com/pypa/auditwheel/")) return "auditwheel's policy";
  throw new Error(`no label for ${url}`);
}

/** The docs' table of codes, as the registry makes it. */
function table(): string {
  return [
    "| code | severity | what | rule |",
    "|---|---|---|---|",
    ...CODES.map((c) => `| ${c.code} | ${c.severity} | ${c.summary.replace(/\|/g, "\\|")} | [${label(c.rule)}](${c.rule}) |`),
  ].join("\n");
}

/** The Markdown files that may hold the table: the README, docs/ (once the README is split) and DOCS.md (before it is placed). */
function docs(): string[] {
  const files = ["README.md", "DOCS.md"].map((f) => path.join(REPO, f));
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : []));
  try {
    files.push(...walk(path.join(REPO, "docs")));
  } catch {
    // no docs/ folder yet
  }
  return files.filter((f) => { try { readFileSync(f); return true; } catch { return false; } });
}

describe("binwheel check's codes", () => {
  it("are unique, in order, grouped by family, each with a severity, a summary and an https rule", () => {
    const ids = CODES.map((c) => c.code);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const c of CODES) {
      expect(c.code).toMatch(/^BW[1-8]\d\d$/);
      expect(["error", "warning"]).toContain(c.severity);
      expect(c.summary.length).toBeGreaterThan(10);
      expect(c.rule).toMatch(/^https:\/\//);
    }
    expect(codesMatching("bw2").map((c) => c.code)).toEqual(ids.filter((id) => id.startsWith("BW2")));
  });

  it("are each used by a rule of src/check/", () => {
    const source = readdirSync(path.join(REPO, "src/check")).filter((f) => f !== "codes.ts").map((f) => readFileSync(path.join(REPO, "src/check", f), "utf8")).join("\n");
    const unused = CODES.filter((c) => !source.includes(`"${c.code}"`)).map((c) => c.code);
    expect(unused).toEqual([]);
  });

  it("are the docs' table, row for row", () => {
    const expected = table();
    const holding = docs().filter((f) => readFileSync(f, "utf8").includes("| code | severity | what | rule |"));
    expect(holding.length, "a Markdown file with the table of codes").toBeGreaterThan(0);
    for (const file of holding) {
      const text = readFileSync(file, "utf8");
      const start = text.indexOf("| code | severity | what | rule |");
      const end = text.indexOf("\n\n", start);
      expect(text.slice(start, end < 0 ? undefined : end).trimEnd(), path.relative(REPO, file)).toBe(expected);
    }
  });
});

describe("METADATA findings next to packaging's validator", () => {
  // Each text is judged by packaging.metadata.Metadata.from_email(validate=True), after what
  // twine and PyPI do first (License-File dropped below 2.4, "UNKNOWN" values deleted): refused
  // by packaging exactly when binwheel reports one of packaging's codes as an error.
  const texts = [
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nA description.\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: UNKNOWN\nHome-page: UNKNOWN\n",
    "Metadata-Version: 2.0\nName: demo\nVersion: 1.0\n",
    "Metadata-Version: 2.7\nName: demo\nVersion: 1.0\n",
    "Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nLicense-Expression: MIT\n",
    "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\n",
    "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-Expression: MIT OR\n",
    "Metadata-Version: 1.0\nName: demo\nVersion: 1.0\nClassifier: Framework :: Django\n",
    "Metadata-Version: 1.2\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/markdown\n",
    "Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nDynamic: Name\n",
    "Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nDynamic: Colour\n",
    "Metadata-Version: 2.2\nName: demo\nVersion: 1.0\nDynamic: Requires-Dist\n",
    "Metadata-Version: 2.1\nName: -demo\nVersion: 1.0\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: one\n",
    "Metadata-Version: 2.1\nName: demo\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: one\nSummary: two\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription: header\n\nand body\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nColour: blue\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/html\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/markdown; charset=latin-1\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/markdown; variant=Original\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/x-rst; charset=UTF-8\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: requests>=2\nRequires-Dist: numpy; python_version<'3.12'\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: requests >>= 2\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.9\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: three\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nProvides-Extra: dev\nProvides-Extra: -bad\n",
    "Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nProvides-Extra: Dev_Tools\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nProject-URL: Home, https://a.example\nProject-URL: Home, https://b.example\n",
    "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: ../LICENSE\n",
    "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICEN*\n",
    "Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo.core\nImport-Name: demo._x; private\n",
    "Metadata-Version: 2.5\nName: demo\nVersion: 1.0\nImport-Name: demo.class\n",
    "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nImport-Name: demo\n",
  ];
  const PACKAGING_CODES = ["BW401", "BW402", "BW404", "BW406", "BW407"];

  it("refuses what packaging refuses, and nothing else", async () => {
    const { stdout } = await execa(inject("toolsPython"), ["-c", `
import json, sys
import packaging.metadata as pm
out = []
for text in json.load(sys.stdin):
    raw, unparsed = pm.parse_email(text)
    raw = {k: v for k, v in raw.items() if not (isinstance(v, str) and v.strip() == "UNKNOWN")}
    if raw.get("metadata_version") in ("1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3"):
        raw.pop("license_files", None)
    try:
        if unparsed:
            raise ValueError(sorted(unparsed))
        if raw.get("metadata_version") not in ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"):
            raise ValueError("metadata version PyPI does not accept")
        pm.Metadata.from_raw(raw, validate=True)
        out.append(None)
    except Exception as e:
        out.append(repr(e)[:200])
print(json.dumps(out))
`], { input: JSON.stringify(texts) });
    const packaging = JSON.parse(stdout) as (string | null)[];
    const ours = texts.map((text) => checkCoreMetadata(parseCoreMetadata(text), { kind: "METADATA", licenseFiles: new Set() })
      .filter(([code]) => PACKAGING_CODES.includes(code)).map(([code, message]) => `${code} ${message}`));
    const disagreements = texts.flatMap((text, i) => ((packaging[i] !== null) !== (ours[i]!.length > 0) ? [{ text, packaging: packaging[i], binwheel: ours[i] }] : []));
    expect(disagreements).toEqual([]);
  });
});
