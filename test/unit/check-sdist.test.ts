// binwheel check on sdists written by Python's tarfile: member names are checked as stored
// (readTar hands out cleaned ones), for safe paths and for names one file on macOS or Windows; the
// PEP 625 file name PyPI enforces, one top folder, PKG-INFO, pyproject.toml, and members that pip
// and build unpack (BW7xx).
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../../src/check/check.js";
import { tempDir } from "../support/tmp.js";

interface SdistSpec {
  /** The file name (default demo-1.0.tar.gz). */
  fileName?: string;
  /** PKG-INFO's content; null leaves it out. */
  pkgInfo?: string | null;
  pyproject?: boolean;
  /** Members: name -> content, or a link: name -> { symlink | hardlink | fifo }. */
  members?: Record<string, string | { symlink: string } | { hardlink: string } | { fifo: true }>;
}

/** An sdist of `names` ("x" each) plus PKG-INFO and pyproject.toml (pax format, as build writes). */
async function pythonSdist(names: string[], pax: Record<string, Record<string, string>> = {}, spec: SdistSpec = {}): Promise<string> {
  const out = path.join(tempDir(), spec.fileName ?? "demo-1.0.tar.gz");
  const members = { ...Object.fromEntries(names.map((n) => [n, "x"])), ...spec.members };
  await execa("python3", ["-c", `
import io, json, sys, tarfile
out, spec = sys.argv[1], json.load(sys.stdin)
def add(t, name, data):
    info = tarfile.TarInfo(name); info.mtime = 1700000000
    info.pax_headers = spec["pax"].get(name, {})
    if isinstance(data, dict):
        info.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}[next(iter(data))]
        info.linkname = "" if "fifo" in data else next(iter(data.values()))
        t.addfile(info)
    else:
        data = data.encode("latin1"); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as t:
    if spec["pkgInfo"] is not None:
        add(t, spec["top"] + "/PKG-INFO", spec["pkgInfo"])
    if spec["pyproject"]:
        add(t, spec["top"] + "/pyproject.toml", "")
    for name, data in spec["members"].items():
        add(t, name, data)
`, out], { input: JSON.stringify({ pax, members, top: path.basename(out, ".tar.gz"), pkgInfo: spec.pkgInfo === undefined ? "Metadata-Version: 2.2\nName: demo\nVersion: 1.0\n" : spec.pkgInfo, pyproject: spec.pyproject ?? true }) });
  return out;
}

async function codes(file: string): Promise<string[]> {
  return [...new Set((await problems(file)).map((f) => f.split(" ")[0]!))].sort();
}

/** The findings for `file`, as "CODE message" lines. */
async function problems(file: string): Promise<string[]> {
  const [report] = await checkFiles([file]);
  return report!.findings.map((f) => `${f.code} ${f.message}`);
}

describe("binwheel check on sdists", () => {
  it("passes an sdist whose names are safe and distinct", async () => {
    expect(await problems(await pythonSdist(["demo-1.0/demo/__init__.py", `demo-1.0/demo/${"long/".repeat(30)}x.py`, "demo-1.0/demo/naïve.py"]))).toEqual([]);
  });

  it("reports member names that are no safe path, and names that collide, naming both", async () => {
    const found = await problems(await pythonSdist([
      "demo-1.0/a//b.txt", "demo-1.0/./x.txt", "demo-1.0/Foo.txt", "demo-1.0/foo.txt", "demo-1.0/caf\u00e9.txt", "demo-1.0/cafe\u0301.txt", "demo-1.0/new\nline.txt",
    ]));
    expect(found).toEqual(expect.arrayContaining([
      'BW115 the member "demo-1.0/a//b.txt" has an empty segment ("//")',
      'BW115 the member "demo-1.0/./x.txt" has a "." segment',
      'BW115 the member "demo-1.0/new\\u000aline.txt" holds the control character U+000A, which tools that list files line by line misread',
      'BW116 "demo-1.0/Foo.txt" and "demo-1.0/foo.txt" differ only in case: one file on macOS and Windows, where installing one overwrites the other',
      'BW116 "demo-1.0/caf\u00e9.txt" and "demo-1.0/cafe\u0301.txt" are one name in two Unicode normalizations (NFC and NFD): one file on macOS, where installing one overwrites the other',
    ]));
  });

  it("reports what Python's tarfile would extract differently (found by attacking it)", async () => {
    // A second pyproject.toml: extraction keeps the last one, which no check looked at.
    expect(await problems(await pythonSdist(["demo-1.0/pyproject.toml"]))).toContain('BW708 the member "demo-1.0/pyproject.toml" is stored twice; unpacking keeps the last one');
    // tarfile renames a member by GNU.sparse.name; binwheel refuses sparse members.
    const sparse = await pythonSdist(["demo-1.0/harmless.txt"], { "demo-1.0/harmless.txt": { "GNU.sparse.name": "demo-1.0/pyproject.toml" } });
    expect((await problems(sparse)).join("\n")).toMatch(/^BW702 .*uses GNU's sparse format \(GNU\.sparse\.name\), which binwheel does not read/m);
  });

  it.each([
    // The top folder follows the file name, so only the name is wrong.
    ["a file name that is not PEP 625's", { fileName: "Demo-1.0.tar.gz" }, ["BW701"]],
    ["a file name unlike PKG-INFO's version", { pkgInfo: "Metadata-Version: 2.2\nName: demo\nVersion: 1.1\n" }, ["BW701"]],
    ["no PKG-INFO", { pkgInfo: null }, ["BW704"]],
    ["PKG-INFO below Metadata-Version 2.2", { pkgInfo: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" }, ["BW706"]],
    ["no pyproject.toml", { pyproject: false }, ["BW705"]],
    ["a member outside the top folder", { members: { "other/x.py": "x" } }, ["BW703"]],
    ["a FIFO", { members: { "demo-1.0/pipe": { fifo: true } } }, ["BW707"]],
    ["a link out of the tree", { members: { "demo-1.0/evil": { symlink: "../../etc/passwd" } } }, ["BW707"]],
    ["a link inside the tree", { members: { "demo-1.0/link": { symlink: "pyproject.toml" } } }, ["BW708"]],
    ["a prebuilt binary", { members: { "demo-1.0/lib/x.so": "\x7fELF\x02\x01\x01" + "\0".repeat(100) } }, ["BW709"]],
    ["a License-File (2.4) it does not hold", { pkgInfo: "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n" }, ["BW410"]],
  ] as [string, SdistSpec, string[]][])("reports %s", async (_, spec, expected) => {
    expect(await codes(await pythonSdist([], {}, spec))).toEqual(expected);
  });

  it("passes a PEP 625 sdist of a project whose name has capitals and dots, with its License-File", async () => {
    const spec: SdistSpec = { fileName: "zope_interface-1.0.tar.gz", pkgInfo: "Metadata-Version: 2.4\nName: zope.Interface\nVersion: 1.0\nLicense-File: LICENSE\n", members: {} };
    expect(await problems(await pythonSdist(["zope_interface-1.0/LICENSE"], {}, spec))).toEqual([]);
  });
});
