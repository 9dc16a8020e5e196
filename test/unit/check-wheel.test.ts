// binwheel check on wheels written by Python's zipfile: ZIP64 in its forms, RECORD of any size
// (and CSV as Python's csv module reads it), member names that are no safe path or that collide
// on macOS and Windows, and what valid wheels may hold (a top-level .pth, a .data folder).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../../src/check/check.js";
import { CsvReader } from "../../src/check/wheel.js";
import { tempDir } from "../support/tmp.js";

interface WheelSpec {
  /** Files besides the .dist-info ones: [path, content]. */
  files: [string, string][];
  /** "force": ZIP64 local headers; "all": ZIP64 sizes, offsets and end records throughout. */
  zip64?: "force" | "all";
  /** Bytes of METADATA's description (to make it large). */
  description?: number;
  /** RECORD's content instead of the right one. */
  record?: string;
  /** Unix modes other than a regular file's 0o100644, by path. */
  modes?: Record<string, number>;
  /** Files left out of RECORD. */
  unrecorded?: string[];
}

/** demo-1.0-py3-none-any.whl, valid, written by Python's zipfile with a RECORD from its csv module. */
async function pythonWheel(dir: string, spec: WheelSpec): Promise<string> {
  return (await pythonWheelAndRecord(dir, spec)).wheel;
}

async function pythonWheelAndRecord(dir: string, spec: WheelSpec): Promise<{ wheel: string; recordSize: number }> {
  const out = path.join(dir, "demo-1.0-py3-none-any.whl");
  const { stdout } = await execa("python3", ["-c", `
import base64, csv, hashlib, io, json, sys, zipfile
out, spec = sys.argv[1], json.load(sys.stdin)
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
meta = "Metadata-Version: 2.1\\nName: demo\\nVersion: 1.0\\n\\n" + "x" * spec.get("description", 0)
files = [(p, c.encode()) for p, c in spec["files"]] + [
    ("demo-1.0.dist-info/METADATA", meta.encode()),
    ("demo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"),
]
record = io.StringIO()
writer = csv.writer(record)  # quotes as needed; rows end in \\r\\n
for p, data in files:
    if p not in spec.get("unrecorded", []):
        writer.writerow([p, digest(data), len(data)])
writer.writerow(["demo-1.0.dist-info/RECORD", "", ""])
files.append(("demo-1.0.dist-info/RECORD", spec.get("record", record.getvalue()).encode()))
print(len(files[-1][1]))
if spec.get("zip64") == "all":
    zipfile.ZIP64_LIMIT = 0
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for p, data in files:
        info = zipfile.ZipInfo(p, (2024, 1, 1, 0, 0, 0))
        info.external_attr = spec.get("modes", {}).get(p, 0o100644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        if spec.get("zip64") == "force":
            with z.open(info, "w", force_zip64=True) as f:
                f.write(data)
        else:
            z.writestr(info, data)
`, out], { input: JSON.stringify(spec) });
  return { wheel: out, recordSize: Number(stdout) };
}

async function problems(file: string): Promise<string[]> {
  const [result] = await checkFiles([file]);
  return result!.problems;
}

describe("binwheel check on wheels", () => {
  it.each([["local headers", "force"], ["throughout", "all"]] as const)("passes a valid wheel with ZIP64 %s", async (_, zip64) => {
    expect(await problems(await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n".repeat(100)]], zip64 }))).toEqual([]);
  });

  it("passes what valid wheels may hold: a top-level .pth, a .data folder, names CSV quotes", async () => {
    const wheel = await pythonWheel(tempDir(), {
      files: [["demo.pth", "import demo\n"], ["demo-1.0.data/scripts/demo-tool", "#!/bin/sh\n"], ["demo/a,b.py", ""], ['demo/say "hi".py', ""], ["demo/naïve.py", ""]],
    });
    expect(await problems(wheel)).toEqual([]);
  });

  it("reads a RECORD of 4 MB whole", async () => {
    const long = "d".repeat(180);
    const files = Array.from({ length: 18_000 }, (_, i): [string, string] => [`demo/${long}/f${i}.py`, ""]);
    const { wheel, recordSize } = await pythonWheelAndRecord(tempDir(), { files });
    expect(recordSize).toBeGreaterThan(4_000_000);
    expect(await problems(wheel)).toEqual([]);
  });

  it("reports a METADATA over 64 MiB instead of reading it", async () => {
    const wheel = await pythonWheel(tempDir(), { files: [], description: 65 << 20 });
    expect(await problems(wheel)).toEqual([expect.stringMatching(/^demo-1\.0\.dist-info\/METADATA is \d+ bytes; binwheel check reads at most 64 MiB of it$/)]);
  });

  it("reports member names that are no safe path, and names that collide, naming both", async () => {
    const dir = tempDir();
    const wheel = await pythonWheel(dir, {
      files: [["demo/new\nline.py", ""], ["demo/a//b.py", ""], ["./demo/x.py", ""], ["demo/back\\slash.py", ""], ["demo/nul~.py", ""],
        ["demo/Foo.py", ""], ["demo/foo.py", ""], ["demo/caf\u00e9.py", ""], ["demo/cafe\u0301.py", ""]],
    });
    // Python's zipfile cuts names at a NUL: put one in by hand, in the local and central headers.
    const bytes = readFileSync(wheel);
    for (let at = bytes.indexOf("demo/nul~.py"); at >= 0; at = bytes.indexOf("demo/nul~.py", at + 1)) bytes[at + 8] = 0;
    writeFileSync(wheel, bytes);
    const found = await problems(wheel);
    expect(found).toEqual(expect.arrayContaining([
      'the entry "demo/new\\u000aline.py" holds the control character U+000A',
      'the entry "demo/nul\\u0000.py" holds the control character U+0000',
      'the entry "demo/a//b.py" has an empty segment ("//" or a "/" at either end)',
      'the entry "./demo/x.py" has a "." segment',
      'the entry "demo/back\\slash.py" holds a "\\" (paths inside artifacts use "/")',
      '"demo/Foo.py" and "demo/foo.py" differ only in case: one file on macOS and Windows',
      '"demo/caf\u00e9.py" and "demo/cafe\u0301.py" are one name in two Unicode normalizations (NFC and NFD): one file on macOS',
    ]));
    expect(found.filter((p) => /UTF-8 flag|appears twice/.test(p))).toEqual([]);
  });

  it("reports what installers would do differently from what check reads (found by attacking it)", async () => {
    const dir = tempDir();
    const cases: [WheelSpec, RegExp][] = [
      // zipfile and pip treat a name without "/" as a file, whatever its mode says.
      [{ files: [["demo/__init__.py", ""], ["demo_evil.pth", "import os"]], modes: { "demo_evil.pth": 0o040755 }, unrecorded: ["demo_evil.pth"] }, /demo_evil\.pth is not listed in RECORD/],
      // Installers put .data/scripts/* and console scripts in the scripts folder, over what is there.
      [{ files: [["demo/__init__.py", ""], ["demo-1.0.data/scripts/python3", "#!/bin/sh\n"]] }, /demo-1\.0\.data\/scripts\/python3 would replace the environment's Python interpreter/],
      [{ files: [["demo/__init__.py", ""], ["demo-1.0.dist-info/entry_points.txt", "[console_scripts]\npip = demo:main\n"]] }, /the command "pip" would replace the environment's pip/],
      // pip reads RECORD with splitlines: this name would be two rows, the second a path to delete.
      [{ files: [["demo/__init__.py", ""], ["demo/a\u2028../../victim", ""]] }, /holds the control character U\+2028/],
    ];
    for (const [spec, problem] of cases) {
      const wheel = await pythonWheel(dir, spec);
      const [result] = await checkFiles([wheel]);
      expect(result!.problems.join("\n")).toMatch(problem);
    }
  });

  it("reports a classic end record that disagrees with the ZIP64 one", async () => {
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], ["demo/a.py", "y = 2\n"]], zip64: "all" });
    const data = readFileSync(wheel);
    // The classic record's entry counts (its last 22 bytes): one entry fewer than ZIP64's.
    data.writeUInt16LE(data.readUInt16LE(data.length - 14) - 1, data.length - 14);
    data.writeUInt16LE(data.readUInt16LE(data.length - 12) - 1, data.length - 12);
    writeFileSync(wheel, data);
    const [result] = await checkFiles([wheel]);
    expect(result!.problems).toContain("the classic end record and the ZIP64 one describe different central directories, so zip readers would disagree on what the wheel holds");
  });

  it("stops a zip bomb while it inflates, as for assets", async () => {
    const dir = tempDir();
    const wheel = path.join(dir, "demo-1.0-py3-none-any.whl");
    await execa("python3", ["-c", `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open("demo/zeros.bin", "w", force_zip64=True) as f:
        block = bytes(64 << 20)
        for _ in range(18):
            f.write(block)
`, wheel]);
    const [result] = await checkFiles([wheel]);
    expect(result!.problems.join("\n")).toMatch(/the wheel expands to more than 1\.0 GiB .* it looks like a decompression bomb, so binwheel stopped reading it/);
  }, 60_000);

  it("lists 20 problems of a kind and counts the rest", async () => {
    const files = Array.from({ length: 50 }, (_, i): [string, string] => [`demo/f${i}.py`, ""]);
    const found = await problems(await pythonWheel(tempDir(), { files, record: "demo-1.0.dist-info/RECORD,,\n" }));
    expect(found.filter((p) => p.endsWith("is not listed in RECORD"))).toHaveLength(20);
    expect(found).toEqual([...found.slice(0, 20), "... and 32 more files not listed in RECORD"]);
  });
});

describe("SBOMs in .dist-info/sboms (PEP 770)", () => {
  const sbom = (doc: unknown) => ["demo-1.0.dist-info/sboms/x.cdx.json", typeof doc === "string" ? doc : JSON.stringify(doc)] as [string, string];
  const fileSha = createHash("sha256").update("x = 1\n").digest("hex");
  const file = (name: string, content: string) => ({ type: "file", name, hashes: [{ alg: "SHA-256", content }] });

  it("passes a CycloneDX document whose files carry their sha256, and any other JSON SBOM", async () => {
    const doc = { bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [{ type: "application", name: "up", components: [file("demo/__init__.py", fileSha)] }] };
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(doc), ["demo-1.0.dist-info/sboms/other.spdx.json", "{}"]] });
    expect(await problems(wheel)).toEqual([]);
  });

  it("reports broken JSON, the wrong shape, a malformed hash and a file whose sha256 differs, names made printable", async () => {
    const doc = { bomFormat: "SPDX", specVersion: "9", serialNumber: "nope", components: [{ type: "application", name: "up", components: [file("demo/__init__.py", "0".repeat(64)), file("a\u001b[31mred", "zz"), { name: 1 }] }] };
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(doc), ["demo-1.0.dist-info/sboms/broken.json", "{"]] });
    const found = await problems(wheel);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^demo-1\.0\.dist-info\/sboms\/broken\.json: is not valid JSON/),
      'demo-1.0.dist-info/sboms/x.cdx.json: bomFormat is "SPDX", not "CycloneDX"',
      expect.stringMatching(/sboms\/x\.cdx\.json: specVersion is "9", not a CycloneDX version/),
      'demo-1.0.dist-info/sboms/x.cdx.json: serialNumber "nope" is not a urn:uuid',
      `demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[0] gives demo/__init__.py the sha256 ${"0".repeat(64)}, but the wheel's file has ${fileSha}`,
      'demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[1] (a\\u001b[31mred) has a malformed hash {"alg":"SHA-256","content":"zz"}',
      "demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[2] lacks a type or a name",
    ]));
    expect(found.join("\n")).not.toMatch(/\u001b/);
  });

  it("walks components nested thousands deep without running out of stack", async () => {
    // Written out by hand: JSON.stringify itself recurses.
    const depth = 20000;
    const text = '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[' + '{"type":"library","name":"l","components":['.repeat(depth) +
      JSON.stringify(file("demo/__init__.py", "0".repeat(64))) + "]}".repeat(depth) + "]}";
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(text)] });
    const found = await problems(wheel);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeLessThan(500);
    expect(found[0]).toMatch(/: components\[0\]\.components\[0\].*….*\.components\[0\] gives demo\/__init__\.py the sha256 0{64}, but the wheel's file has/);
  });
});

describe("RECORD's CSV", () => {
  it("reads rows as Python's csv module does, fed whole or a character at a time", async () => {
    const texts = [
      'a,b,c\r\nd,"e,f",g\n"h""i",,\n',
      '"two\nlines",x,y\r\n',
      "no,final,newline",
      "\n\nx,y,z\r\r",
      'a"b,c,d\n"a"b,c,d\n',
      '"unterminated,x\n',
      "one\r\ntwo,fields\rthree,f,i,e,l,d,s\n",
    ];
    const { stdout } = await execa("python3", ["-c", `
import csv, io, json, sys
print(json.dumps([list(csv.reader(io.StringIO(t, newline=""))) for t in json.loads(sys.argv[1])]))
`, JSON.stringify(texts)]);
    const expected = (JSON.parse(stdout) as string[][][]).map((rows) => rows.map((r) => [r.slice(0, 3), r.length]));
    for (const pieces of [(t: string) => [t], (t: string) => [...t]]) {
      const actual = texts.map((text) => {
        const rows: [string[], number][] = [];
        const reader = new CsvReader((fields, count) => rows.push([fields, count]), (why) => { throw new Error(why); });
        for (const piece of pieces(text)) reader.push(piece);
        reader.end();
        return rows;
      });
      expect(actual).toEqual(expected);
    }
  });
});
