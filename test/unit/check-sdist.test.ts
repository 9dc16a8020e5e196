// binwheel check on sdists written by Python's tarfile: member names are checked as stored
// (readTar hands out cleaned ones), for safe paths and for names one file on macOS or Windows.
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../../src/check/check.js";
import { tempDir } from "../support/tmp.js";

/** demo-1.0.tar.gz with PKG-INFO, pyproject.toml and `names` (pax format, as build writes). */
async function pythonSdist(names: string[], pax: Record<string, Record<string, string>> = {}): Promise<string> {
  const out = path.join(tempDir(), "demo-1.0.tar.gz");
  await execa("python3", ["-c", `
import io, json, sys, tarfile
out, spec = sys.argv[1], json.load(sys.stdin)
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 1700000000
    info.pax_headers = spec["pax"].get(name, {})
    t.addfile(info, io.BytesIO(data))
with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as t:
    add(t, "demo-1.0/PKG-INFO", b"Metadata-Version: 2.2\\nName: demo\\nVersion: 1.0\\n")
    add(t, "demo-1.0/pyproject.toml", b"")
    for name in spec["names"]:
        add(t, name, b"x")
`, out], { input: JSON.stringify({ names, pax }) });
  return out;
}

async function problems(file: string): Promise<string[]> {
  const [result] = await checkFiles([file]);
  return result!.problems;
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
      'the member "demo-1.0/a//b.txt" has an empty segment ("//" or a "/" at either end)',
      'the member "demo-1.0/./x.txt" has a "." segment',
      'the member "demo-1.0/new\\u000aline.txt" holds the control character U+000A',
      '"demo-1.0/Foo.txt" and "demo-1.0/foo.txt" differ only in case: one file on macOS and Windows',
      '"demo-1.0/caf\u00e9.txt" and "demo-1.0/cafe\u0301.txt" are one name in two Unicode normalizations (NFC and NFD): one file on macOS',
    ]));
  });

  it("reports what Python's tarfile would extract differently (found by attacking it)", async () => {
    // A second pyproject.toml: extraction keeps the last one, which no check looked at.
    expect(await problems(await pythonSdist(["demo-1.0/pyproject.toml"]))).toContain('the member "demo-1.0/pyproject.toml" appears twice');
    // tarfile renames a member by GNU.sparse.name; binwheel refuses sparse members.
    const sparse = await pythonSdist(["demo-1.0/harmless.txt"], { "demo-1.0/harmless.txt": { "GNU.sparse.name": "demo-1.0/pyproject.toml" } });
    expect((await problems(sparse)).join("\n")).toMatch(/uses GNU's sparse format \(GNU\.sparse\.name\), which binwheel does not read/);
  });
});
