// binwheel check on wheels written by Python's zipfile (the writer pip, build and twine read with):
// each rule family's codes on a valid wheel and on one that breaks the rule, as installers and
// PyPI would see them. ZIP64 in its forms, RECORD of any size (and CSV as Python's csv module reads
// it), member names, WHEEL, METADATA as packaging's validator judges it, entry points, binaries
// against the tags (read while they stream, also when their headers lie deep in the file).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BinaryStream } from "../../src/check/binaries.js";
import { checkFiles } from "../../src/check/check.js";
import { CsvReader } from "../../src/check/record.js";
import { EM, elf, glibcElf, machO, pe } from "../support/binaries.js";
import { tempDir } from "../support/tmp.js";

interface WheelSpec {
  /** Files besides METADATA, WHEEL and RECORD: [path, content] (Buffers as base64 in `binary`). */
  files?: [string, string][];
  /** Binary files: [path, content]. */
  binary?: [string, Buffer][];
  /** The wheel's file name (default demo-1.0-py3-none-any.whl); its .dist-info follows it unless `distInfo`. */
  fileName?: string;
  distInfo?: string;
  metadata?: string;
  wheel?: string;
  /** "force": ZIP64 local headers; "all": ZIP64 sizes, offsets and end records throughout. */
  zip64?: "force" | "all";
  /** RECORD's content instead of the right one. */
  record?: string;
  /** Unix modes other than a regular file's 0o100644, by path. */
  modes?: Record<string, number>;
  /** Files left out of RECORD. */
  unrecorded?: string[];
}

const META = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n";
const WHEEL = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

/** A wheel written by Python's zipfile, with a RECORD from its csv module; returns its path and RECORD's size. */
async function pythonWheelAndRecord(dir: string, spec: WheelSpec): Promise<{ wheel: string; recordSize: number }> {
  const fileName = spec.fileName ?? "demo-1.0-py3-none-any.whl";
  const distInfo = spec.distInfo ?? `${fileName.split("-").slice(0, 2).join("-")}.dist-info`;
  const out = path.join(dir, fileName);
  const files = (spec.files ?? []).map(([p, c]) => [p, Buffer.from(c).toString("base64")]);
  // Binaries (up to 40 MiB) go by file, not through the JSON on stdin.
  const binary = (spec.binary ?? []).map(([p, c], i) => {
    const at = path.join(dir, `binary-${i}`);
    writeFileSync(at, c);
    return [p, at];
  });
  const { stdout } = await execa("python3", ["-c", `
import base64, csv, hashlib, io, json, sys, zipfile
out, spec = sys.argv[1], json.load(sys.stdin)
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
d = spec["distInfo"]
files = [(p, base64.b64decode(c)) for p, c in spec["files"]] + [(p, open(at, "rb").read()) for p, at in spec["binary"]] + [
    (d + "/METADATA", spec["metadata"].encode()),
    (d + "/WHEEL", spec["wheel"].encode()),
]
record = io.StringIO()
writer = csv.writer(record)  # quotes as needed; rows end in \\r\\n
for p, data in files:
    if p not in spec["unrecorded"]:
        writer.writerow([p, digest(data), len(data)])
writer.writerow([d + "/RECORD", "", ""])
files.append((d + "/RECORD", (spec["record"] if spec["record"] is not None else record.getvalue()).encode("utf-8", "surrogateescape")))
print(len(files[-1][1]))
if spec["zip64"] == "all":
    zipfile.ZIP64_LIMIT = 0
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for p, data in files:
        info = zipfile.ZipInfo(p, (2024, 1, 1, 0, 0, 0))
        info.external_attr = spec["modes"].get(p, 0o100644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        if spec["zip64"] == "force":
            with z.open(info, "w", force_zip64=True) as f:
                f.write(data)
        else:
            z.writestr(info, data)
`, out], {
    input: JSON.stringify({
      files, binary, distInfo, metadata: spec.metadata ?? META, wheel: spec.wheel ?? WHEEL, record: spec.record ?? null,
      unrecorded: spec.unrecorded ?? [], modes: spec.modes ?? {}, zip64: spec.zip64 ?? null,
    }),
  });
  return { wheel: out, recordSize: Number(stdout) };
}

async function pythonWheel(dir: string, spec: WheelSpec): Promise<string> {
  return (await pythonWheelAndRecord(dir, spec)).wheel;
}

/** The findings for `file`, as "CODE message" lines, omitted counts last. */
async function findings(file: string): Promise<string[]> {
  const [report] = await checkFiles([file]);
  return [...report!.findings.map((f) => `${f.code} ${f.message}`), ...Object.entries(report!.omitted).map(([code, n]) => `${code} ... and ${n} more`)];
}

/** Just the codes, sorted and unique. */
async function codes(file: string): Promise<string[]> {
  return [...new Set((await findings(file)).map((f) => f.split(" ")[0]!))].sort();
}

const sha = (content: string | Buffer) => createHash("sha256").update(content);

describe("binwheel check on wheels: the zip and member names (BW1xx)", () => {
  it.each([["local headers", "force"], ["throughout", "all"]] as const)("passes a valid wheel with ZIP64 %s", async (_, zip64) => {
    expect(await findings(await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n".repeat(100)]], zip64 }))).toEqual([]);
  });

  it("passes what valid wheels may hold: a top-level .pth, a .data folder, names CSV quotes", async () => {
    const wheel = await pythonWheel(tempDir(), {
      files: [["demo.pth", "import demo\n"], ["demo-1.0.data/scripts/demo-tool", "#!/bin/sh\n"], ["demo/a,b.py", ""], ['demo/say "hi".py', ""], ["demo/naïve.py", ""]],
    });
    expect(await findings(wheel)).toEqual([]);
  });

  it("reports a METADATA over 64 MiB instead of reading it", async () => {
    const wheel = await pythonWheel(tempDir(), { metadata: META + "x".repeat(65 << 20) });
    expect(await findings(wheel)).toEqual([
      // 65 MiB of "x" deflate to almost nothing: past PyPI's ratio too.
      expect.stringMatching(/^BW113 the wheel expands to 65 MiB, \d+ times its size/),
      expect.stringMatching(/^BW118 demo-1\.0\.dist-info\/METADATA is \d+ bytes; binwheel check reads at most 64 MiB of it, so its rules went unchecked$/),
    ]);
  });

  it("errs on names installers refuse or misread, warns on names some systems read differently", async () => {
    const wheel = await pythonWheel(tempDir(), {
      files: [["demo/new\nline.py", ""], ["demo/a//b.py", ""], ["./demo/x.py", ""], ["demo/back\\slash.py", ""], ["demo/nul~.py", ""],
        ["demo/Foo.py", ""], ["demo/foo.py", ""], ["demo/caf\u00e9.py", ""], ["demo/cafe\u0301.py", ""], ["demo/rtl\u202egnp.py", ""]],
    });
    // Python's zipfile cuts names at a NUL: put one in by hand, in the local and central headers.
    const bytes = readFileSync(wheel);
    for (let at = bytes.indexOf("demo/nul~.py"); at >= 0; at = bytes.indexOf("demo/nul~.py", at + 1)) bytes[at + 8] = 0;
    writeFileSync(wheel, bytes);
    const found = await findings(wheel);
    expect(found).toEqual(expect.arrayContaining([
      'BW114 the member "demo/new\\u000aline.py" holds the control character U+000A, which PyPI refuses and pip\'s RECORD reading splits on',
      'BW114 the member "demo/nul\\u0000.py" holds the control character U+0000, which PyPI refuses and pip\'s RECORD reading splits on',
      'BW115 the member "demo/a//b.py" has an empty segment ("//")',
      'BW115 the member "./demo/x.py" has a "." segment',
      'BW115 the member "demo/back\\slash.py" holds a "\\", which Windows reads as a folder separator',
      'BW115 the member "demo/rtl\\u202egnp.py" holds the control character U+202E, which makes it display as another name',
      'BW116 "demo/Foo.py" and "demo/foo.py" differ only in case: one file on macOS and Windows, where installing one overwrites the other',
      'BW116 "demo/caf\u00e9.py" and "demo/cafe\u0301.py" are one name in two Unicode normalizations (NFC and NFD): one file on macOS, where installing one overwrites the other',
    ]));
    expect(found.filter((p) => /^BW11[12]/.test(p))).toEqual([]);
  });

  it("reports what installers would do differently from what check reads (found by attacking it)", async () => {
    const dir = tempDir();
    const cases: [WheelSpec, RegExp][] = [
      // zipfile and pip treat a name without "/" as a file, whatever its mode says.
      [{ files: [["demo/__init__.py", ""], ["demo_evil.pth", "import os"]], modes: { "demo_evil.pth": 0o040755 }, unrecorded: ["demo_evil.pth"] }, /^BW202 demo_evil\.pth is not listed in RECORD/m],
      // Installers put .data/scripts/* and console scripts in the scripts folder, over what is there.
      [{ files: [["demo/__init__.py", ""], ["demo-1.0.data/scripts/python3", "#!/bin/sh\n"]] }, /^BW504 demo-1\.0\.data\/scripts\/python3 installs the command "python3", which replaces the environment's Python launcher/m],
      [{ files: [["demo/__init__.py", ""], ["demo-1.0.dist-info/entry_points.txt", "[console_scripts]\npip = demo:main\n"]] }, /^BW505 \[console_scripts\] pip installs the command "pip", which replaces the environment's pip/m],
      // pip reads RECORD with splitlines: this name would be two rows, the second a path to delete.
      [{ files: [["demo/__init__.py", ""], ["demo/a\u2028../../victim", ""]] }, /^BW114 .*holds the control character U\+2028/m],
      // A symlink: pip writes the target path as the file's content.
      [{ files: [["demo/link", "../../etc/passwd"]], modes: { "demo/link": 0o120777 } }, /^BW117 demo\/link is a symbolic link/m],
    ];
    for (const [spec, finding] of cases) expect((await findings(await pythonWheel(dir, spec))).join("\n")).toMatch(finding);
  });

  it("reports a classic end record that disagrees with the ZIP64 one, and trailing data", async () => {
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], ["demo/a.py", "y = 2\n"]], zip64: "all" });
    const data = readFileSync(wheel);
    // The classic record's entry counts (its last 22 bytes): one entry fewer than ZIP64's.
    data.writeUInt16LE(data.readUInt16LE(data.length - 14) - 1, data.length - 14);
    data.writeUInt16LE(data.readUInt16LE(data.length - 12) - 1, data.length - 12);
    writeFileSync(wheel, data);
    expect(await findings(wheel)).toContain("BW103 the classic end record and the ZIP64 one describe different central directories, so zip readers would disagree on what the wheel holds");
    writeFileSync(wheel, "junk", { flag: "a" });
    expect(await codes(wheel)).toEqual(["BW102", "BW103"]);
  });

  it("reports framing PyPI refuses: a member comment, another compression, repeated extras, a local header unlike the central directory, a name not flagged UTF-8", async () => {
    const dir = tempDir();
    const variant = async (label: string, edit: string, patch?: (bytes: Buffer) => void) => {
      const wheel = await pythonWheel(dir, { files: [["demo/__init__.py", "x = 1\n"], ["demo/naïve.py", ""]] });
      const out = path.join(dir, label, path.basename(wheel));
      await execa("python3", ["-c", `
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(dst), exist_ok=True)
with zipfile.ZipFile(src) as z_in, zipfile.ZipFile(dst, "w") as z_out:
    for info in z_in.infolist():
        data = z_in.read(info)
        if info.filename == "demo/__init__.py":
${edit.replace(/^/gm, "            ")}
        z_out.writestr(info, data)
`, wheel, out]);
      if (patch) {
        const bytes = readFileSync(out);
        patch(bytes);
        writeFileSync(out, bytes);
      }
      return codes(out);
    };
    expect(await variant("comment", `info.comment = b"hi"`)).toEqual(["BW109"]);
    expect(await variant("bzip2", `info.compress_type = zipfile.ZIP_BZIP2`)).toEqual(["BW107"]);
    expect(await variant("extras", `info.extra = b"\\x75\\x70\\x01\\x00\\x00" * 2`)).toEqual(["BW105"]);
    // The first local header's modification time, one second later than the central directory's.
    expect(await variant("time", "pass", (b) => b.writeUInt16LE(b.readUInt16LE(10) + 1, 10))).toEqual(["BW104"]);
    // The UTF-8 flag (bit 11) cleared on the non-ASCII name, in both headers.
    expect(await variant("flag", "pass", (b) => {
      for (let at = b.indexOf("demo/na\u00efve.py"); at >= 0; at = b.indexOf("demo/na\u00efve.py", at + 1)) {
        const local = b.readUInt32LE(at - 30) === 0x04034b50;
        const flags = local ? at - 30 + 6 : at - 46 + 8;
        b.writeUInt16LE(b.readUInt16LE(flags) & ~0x800, flags);
      }
    })).toEqual(["BW112"]);
  });

  it("passes an archive comment, as PyPI and Python's zipfile do", async () => {
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", ""]] });
    const data = readFileSync(wheel);
    data.writeUInt16LE(7, data.length - 2);
    writeFileSync(wheel, Buffer.concat([data, Buffer.from("comment")]));
    expect(await findings(wheel)).toEqual([]);
  });

  it("stops a zip bomb while it inflates, and says PyPI refuses its ratio", async () => {
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
    const found = await findings(wheel);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^BW113 the wheel expands to 1152 MiB, \d+ times its size; PyPI refuses archives past 50 times/),
      expect.stringMatching(/^BW113 the wheel expands to more than 1\.0 GiB .* it looks like a decompression bomb, so binwheel stopped reading it/),
    ]));
  }, 60_000);

  it("lists 20 findings of a code and counts the rest", async () => {
    const files = Array.from({ length: 50 }, (_, i): [string, string] => [`demo/f${i}.py`, ""]);
    const found = await findings(await pythonWheel(tempDir(), { files, record: "demo-1.0.dist-info/RECORD,,\n" }));
    expect(found.filter((p) => /^BW202 demo\/f\d+\.py is not listed in RECORD/.test(p))).toHaveLength(20);
    expect(found.at(-1)).toBe("BW202 ... and 32 more");
  });
});

describe("RECORD (BW2xx)", () => {
  const init = "x = 1\n";
  const row = (p: string, content: string) => `${p},sha256=${sha(content).digest("base64url")},${Buffer.byteLength(content)}\n`;
  const base = (extra: string) => `demo/__init__.py${extra}demo-1.0.dist-info/METADATA,sha256=${sha(META).digest("base64url")},${META.length}\ndemo-1.0.dist-info/WHEEL,sha256=${sha(WHEEL).digest("base64url")},${WHEEL.length}\ndemo-1.0.dist-info/RECORD,,\n`;

  it("reads a RECORD of 4 MB whole", async () => {
    const long = "d".repeat(180);
    const files = Array.from({ length: 18_000 }, (_, i): [string, string] => [`demo/${long}/f${i}.py`, ""]);
    const { wheel, recordSize } = await pythonWheelAndRecord(tempDir(), { files });
    expect(recordSize).toBeGreaterThan(4_000_000);
    expect(await findings(wheel)).toEqual([]);
  });

  it.each([
    ["a hex digest, said to be hex", base(`,sha256=${sha(init).digest("hex")},6\n`), "BW204 RECORD gives demo/__init__.py its sha256 in hex; RECORD takes urlsafe base64 without padding"],
    ["another file's hash", base(`,sha256=${sha("y").digest("base64url")},6\n`), "BW203 RECORD's sha256 for demo/__init__.py is"],
    ["the wrong size", base(`,sha256=${sha(init).digest("base64url")},7\n`), "BW203 RECORD's size for demo/__init__.py is 7, but the file holds 6 bytes"],
    ["no hash", base(",,6\n"), "BW205 RECORD lists demo/__init__.py without a hash"],
    ["md5", base(`,md5=${createHash("md5").update(init).digest("base64url")},6\n`), "BW206 RECORD gives demo/__init__.py a md5 hash, which the spec forbids"],
    ["a row for a file the wheel does not hold", base(`,sha256=${sha(init).digest("base64url")},6\ndemo/gone.py,sha256=x,1\n`), "BW207 RECORD lists demo/gone.py, which the wheel does not hold"],
    ["a row twice", `${row("demo/__init__.py", init)}${base(`,sha256=${sha(init).digest("base64url")},6\n`)}`, "BW207 RECORD lists demo/__init__.py twice"],
    ["a hash on RECORD's own row", base(`,sha256=${sha(init).digest("base64url")},6\n`).replace("RECORD,,", "RECORD,sha256=x,1"), "BW209 RECORD's own row has a hash or size"],
    ["a blank line", `\n${base(`,sha256=${sha(init).digest("base64url")},6\n`)}`, "BW208 RECORD has a blank line"],
  ])("reports %s", async (_, record, finding) => {
    const found = await findings(await pythonWheel(tempDir(), { files: [["demo/__init__.py", init]], record }));
    expect(found).toEqual([expect.stringContaining(finding)]);
  });

  it("reports a row of four fields, whose file is then listed nowhere (installer refuses the whole RECORD)", async () => {
    const record = base(`,sha256=${sha(init).digest("base64url")},6,extra\n`);
    expect(await codes(await pythonWheel(tempDir(), { files: [["demo/__init__.py", init]], record }))).toEqual(["BW202", "BW208"]);
  });

  it("keeps a signed wheel's RECORD.jws out of RECORD, as the spec says, and reports it listed", async () => {
    const files: [string, string][] = [["demo/__init__.py", init], ["demo-1.0.dist-info/RECORD.jws", "{}"]];
    expect(await findings(await pythonWheel(tempDir(), { files, unrecorded: ["demo-1.0.dist-info/RECORD.jws"] }))).toEqual([]);
    expect(await codes(await pythonWheel(tempDir(), { files }))).toEqual(["BW209"]);
  });

  it("reports a RECORD that is missing or not UTF-8", async () => {
    const dir = tempDir();
    const wheel = await pythonWheel(dir, { files: [["demo/__init__.py", init]], record: "demo/\udcff" });
    expect((await findings(wheel)).join("\n")).toMatch(/^BW201 RECORD cannot be read: it is not UTF-8/m);
    await execa("python3", ["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1]); o = zipfile.ZipFile(sys.argv[2], 'w')\nfor i in z.infolist():\n    if not i.filename.endswith('RECORD'): o.writestr(i, z.read(i))\no.close()", wheel, path.join(dir, "x.whl")]);
    writeFileSync(wheel, readFileSync(path.join(dir, "x.whl")));
    expect(await findings(wheel)).toEqual(["BW201 demo-1.0.dist-info/RECORD is missing; PyPI refuses the upload"]);
  });
});

describe("the wheel's name, layout and WHEEL (BW3xx)", () => {
  it("errs on a name part PyPI refuses, without a second finding for METADATA's equal Name", async () => {
    const wheel = await pythonWheel(tempDir(), { fileName: "Flask_Bcrypt-1.0-py3-none-any.whl", metadata: "Metadata-Version: 2.1\nName: Flask-Bcrypt\nVersion: 1.0\n" });
    expect(await findings(wheel)).toEqual(['BW302 the file name\'s project part "Flask_Bcrypt" is not the normalized project name "flask_bcrypt": PyPI refuses such uploads (pip and uv still install the file)']);
  });

  it.each([
    ["a version part that is no version", { fileName: "demo-one-py3-none-any.whl" }, ["BW301"]],
    ["a version part that is not normalized", { fileName: "demo-01.0-py3-none-any.whl", metadata: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" }, ["BW303"]],
    ["a build tag that does not start with a digit", { fileName: "demo-1.0-x1-py3-none-any.whl" }, ["BW301"]],
    // PyPI and installers look for WHEEL, METADATA and RECORD in the folder the file name gives.
    ["a .dist-info not named after the file", { distInfo: "Demo-1.0.dist-info" }, ["BW201", "BW304", "BW306", "BW309"]],
    ["an unknown .data key", { files: [["demo-1.0.data/stuff/x", ""]] }, ["BW305"]],
    ["a folder inside .data/scripts", { files: [["demo-1.0.data/scripts/sub/x", ""]] }, ["BW305"]],
    ["Root-Is-Purelib: True", { wheel: WHEEL.replace("true", "True") }, ["BW307"]],
    ["WHEEL's tags unlike the file name's", { wheel: WHEEL.replace("py3-none-any", "py2-none-any") }, ["BW308"]],
    ["WHEEL's tags compressed", { fileName: "demo-1.0-py2.py3-none-any.whl", wheel: WHEEL.replace("py3-none-any", "py2.py3-none-any") }, ["BW308"]],
    ["Wheel-Version 2.0", { wheel: WHEEL.replace("1.0", "2.0") }, ["BW306"]],
    ["METADATA's Name of another project", { metadata: "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n" }, ["BW310"]],
    ["METADATA's Version unlike the file name's", { metadata: "Metadata-Version: 2.1\nName: demo\nVersion: 1.1\n" }, ["BW310"]],
  ] as [string, WheelSpec, string[]][])("reports %s", async (_, spec, expected) => {
    expect(await codes(await pythonWheel(tempDir(), { ...spec, files: [["demo/__init__.py", ""], ...(spec.files ?? [])] }))).toEqual(expected);
  });

  it("passes a name part that is normalized and a METADATA Name in another spelling", async () => {
    expect(await findings(await pythonWheel(tempDir(), { fileName: "flask_bcrypt-1.0-py3-none-any.whl", metadata: "Metadata-Version: 2.1\nName: Flask-Bcrypt\nVersion: 1.0.0\n" }))).toEqual([]);
  });
});

describe("METADATA as PyPI applies the Metadata-Version (BW4xx)", () => {
  const check = async (metadata: string, files: [string, string][] = []) => findings(await pythonWheel(tempDir(), { metadata, files }));

  it("warns on a pre-PEP 639 License-File below 2.4 wherever the file is, and errs on a 2.4 one missing from licenses/", async () => {
    expect(await check("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n", [["demo-1.0.dist-info/LICENSE", "MIT"]])).toEqual([expect.stringMatching(/^BW403 METADATA: License-File is a Metadata-Version 2\.4 field \(PEP 639\), but the file declares 2\.1/)]);
    expect(await check("Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n", [["demo-1.0.dist-info/licenses/LICENSE", "MIT"]])).toEqual([]);
    expect(await check("Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-File: LICENSE\n", [["demo-1.0.dist-info/LICENSE", "MIT"]])).toEqual(['BW410 METADATA: License-File "LICENSE" is not in the wheel\'s .dist-info/licenses/; PyPI refuses the upload']);
  });

  it("passes a description without Description-Content-Type, and fields distutils wrote as UNKNOWN", async () => {
    expect(await check("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nHome-page: UNKNOWN\nDescription-Content-Type: UNKNOWN\n\nA *reStructuredText* description.\n")).toEqual([]);
  });

  it.each([
    ["Metadata-Version 2.0", "Metadata-Version: 2.0\nName: demo\nVersion: 1.0\n", ["BW401"]],
    ["Metadata-Version 2.6, which PyPI does not accept yet", "Metadata-Version: 2.6\nName: demo\nVersion: 1.0\n", ["BW401"]],
    ["License-Expression below 2.4", "Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nLicense-Expression: MIT\n", ["BW402"]],
    ["Provides-Extra under 2.0", "Metadata-Version: 2.0\nName: demo\nVersion: 1.0\nProvides-Extra: x\n", ["BW401", "BW402"]],
    ["a local version", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0+cpu\n", ["BW310", "BW405"]],
    ["Summary twice", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: a\nSummary: b\n", ["BW406"]],
    ["a field the spec does not have", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nColour: blue\n", ["BW407"]],
    ["a Description-Content-Type of another type", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nDescription-Content-Type: text/html\n", ["BW407"]],
    ["a direct URL requirement", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: x @ https://example.com/x.whl\n", ["BW408"]],
    ["License and License-Expression", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense: MIT\nLicense-Expression: MIT\n", ["BW408"]],
    ["a License-Expression not in canonical form", "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-Expression: mit\n", ["BW409"]],
    ["a Provides-Extra not normalized under 2.3", "Metadata-Version: 2.3\nName: demo\nVersion: 1.0\nProvides-Extra: dev_release\n", ["BW411"]],
  ])("reports %s", async (_, metadata, expected) => {
    expect(await codes(await pythonWheel(tempDir(), { metadata }))).toEqual(expected);
  });
});

describe("entry points and scripts (BW5xx)", () => {
  const ep = async (text: string, metadata?: string, fileName?: string) => codes(await pythonWheel(tempDir(), {
    ...(fileName && { fileName }), ...(metadata && { metadata }), files: [[`${(fileName ?? "demo-1.0").split("-").slice(0, 2).join("-")}.dist-info/entry_points.txt`, text]],
  }));

  it("lets pip's own wheel install pip, pip3 and pip3.14", async () => {
    expect(await ep("[console_scripts]\npip = pip._internal.cli.main:main\npip3 = pip._internal.cli.main:main\npip3.14 = pip._internal.cli.main:main\n",
      "Metadata-Version: 2.1\nName: pip\nVersion: 26.0\n", "pip-26.0-py3-none-any.whl")).toEqual([]);
  });

  it.each([
    ["a line outside any section", "x = y:z\n", ["BW501"]],
    ["a line without \"=\"", "[console_scripts]\ntool\n", ["BW501"]],
    ["a name twice", "[console_scripts]\ntool = a:b\ntool = a:c\n", ["BW501"]],
    ["a command name with a path in it", "[console_scripts]\n../tool = a:b\n", ["BW502"]],
    ["a command that is not module:object", "[gui_scripts]\ntool = demo\n", ["BW503"]],
    ["a command named python3.13t", "[console_scripts]\npython3.13t = a:b\n", ["BW504"]],
    ["other groups as they are", "[demo.plugins]\nanything goes = here\n  continued\n", []],
  ])("reports %s", async (_, text, expected) => {
    expect(await ep(text)).toEqual(expected);
  });
});

describe("tags and binaries (BW6xx)", () => {
  const linux = "demo-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
  const tagged = (fileName: string) => WHEEL.replace("Root-Is-Purelib: true", "Root-Is-Purelib: false").replace("Tag: py3-none-any\n",
    fileName.slice(0, -4).split("-").slice(-1)[0]!.split(".").map((p) => `Tag: py3-none-${p}\n`).join(""));
  const check = async (fileName: string, binary: [string, Buffer][]) => findings(await pythonWheel(tempDir(), { fileName, wheel: tagged(fileName), binary }));

  it("passes binaries the tags promise, and any binary in a pure wheel", async () => {
    expect(await check(linux, [["demo/tool", glibcElf(EM.X86_64, "2.17")], ["demo/static", elf({ machine: EM.X86_64 })]])).toEqual([]);
    expect(await check("demo-1.0-py3-none-any.whl", [["demo/t64.exe", pe(0x8664)], ["demo/arm/tool", glibcElf(EM.AARCH64, "2.39")]])).toEqual([]);
    expect(await check("demo-1.0-py3-none-macosx_11_0_universal2.whl", [["demo/tool", machO({ cpu: "x86_64", minos: "10.12" }, { cpu: "arm64", minos: "11.0" })]])).toEqual([]);
  });

  it("judges a glibc version by the tag (PEP 600), with or without an auditwheel policy of that version, and the loader's versions not at all", async () => {
    // No policy is manylinux_2_25, as nvidia-cuda-cupti's wheels are tagged; GLIBC_2.25 is what it promises.
    expect(await check("demo-1.0-py3-none-manylinux_2_25_x86_64.whl", [["demo/tool", glibcElf(EM.X86_64, "2.25")]])).toEqual([]);
    expect(await check("demo-1.0-py3-none-manylinux_2_25_x86_64.whl", [["demo/tool", glibcElf(EM.X86_64, "2.26")]]))
      .toEqual([expect.stringContaining("BW604 the tag manylinux_2_25_x86_64 promises glibc 2.25, but demo/tool needs GLIBC_2.26 (from libc.so.6)")]);
    // auditwheel skips the loader's version needs (ld-linux*), as libtpu's GLIBC_PRIVATE from it.
    const privateFromLoader = glibcElf(EM.X86_64, "2.17", { versions: { "libc.so.6": ["GLIBC_2.17"], "ld-linux-x86-64.so.2": ["GLIBC_PRIVATE"] } });
    expect(await check(linux, [["demo/tool", privateFromLoader]])).toEqual([]);
    const privateFromLibc = glibcElf(EM.X86_64, "2.17", { versions: { "libc.so.6": ["GLIBC_2.17", "GLIBC_PRIVATE"] } });
    expect(await check(linux, [["demo/tool", privateFromLibc]])).toEqual([expect.stringContaining("BW606 demo/tool uses GLIBC_PRIVATE symbols")]);
  });

  it("warns, not fails, on a libstdc++ version above auditwheel's policy for the tag (nvidia-nccl's wheels)", async () => {
    const cxx = glibcElf(EM.X86_64, "2.17", { needed: ["libc.so.6", "libstdc++.so.6"], versions: { "libc.so.6": ["GLIBC_2.17"], "libstdc++.so.6": ["GLIBCXX_3.4.21"] } });
    const fileName = "demo-1.0-py3-none-manylinux_2_18_x86_64.whl";
    const [report] = await checkFiles([await pythonWheel(tempDir(), { fileName, wheel: tagged(fileName), binary: [["demo/tool", cxx]] })]);
    expect(report!.findings.map((f) => `${f.severity} ${f.code} ${f.message}`)).toEqual([
      expect.stringContaining("warning BW608 demo/tool needs GLIBCXX_3.4.21 (from libstdc++.so.6), which auditwheel's policies allow from manylinux_2_24 on, above the tag manylinux_2_18_x86_64"),
    ]);
    const fine = glibcElf(EM.X86_64, "2.17", { needed: ["libc.so.6", "libstdc++.so.6"], versions: { "libc.so.6": ["GLIBC_2.17"], "libstdc++.so.6": ["GLIBCXX_3.4.19"] } });
    expect(await check(linux, [["demo/tool", fine]])).toEqual([]);
  });

  it.each([
    ["a glibc newer than the tag", linux, glibcElf(EM.X86_64, "2.28"), "BW604 the tag manylinux_2_17_x86_64 promises glibc 2.17, but demo/tool needs GLIBC_2.28"],
    ["another architecture", linux, glibcElf(EM.AARCH64, "2.17"), "BW602 demo/tool is aarch64 code, but the tag manylinux_2_17_x86_64 installs it on x86_64 systems"],
    ["musl in a manylinux wheel", linux, elf({ machine: EM.X86_64, needed: ["libc.so"], interpreter: "/lib/ld-musl-x86_64.so.1" }), "BW605 demo/tool is linked against musl"],
    ["glibc in a musllinux wheel", "demo-1.0-py3-none-musllinux_1_2_x86_64.whl", glibcElf(EM.X86_64, "2.17"), "BW605 demo/tool is linked against glibc"],
    ["a Windows binary in a Linux wheel (data, maybe)", linux, pe(0x8664), "BW603 demo/tool is a PE binary, which cannot run on linux"],
    ["a macOS need newer than the tag", "demo-1.0-py3-none-macosx_11_0_arm64.whl", machO({ cpu: "arm64", minos: "13.0" }), "BW604 the tag macosx_11_0_arm64 promises macOS 11.0 on arm64, but demo/tool needs macOS 13.0"],
    ["a missing universal2 slice", "demo-1.0-py3-none-macosx_11_0_universal2.whl", machO({ cpu: "arm64", minos: "11.0" }), "BW602 demo/tool holds arm64 code, but the tag macosx_11_0_universal2 needs x86_64"],
    ["another Windows architecture", "demo-1.0-py3-none-win_amd64.whl", pe(0xaa64), "BW602 demo/tool is a win_arm64 binary"],
    ["a platform tag PyPI refuses", "demo-1.0-py3-none-linux_x86_64.whl", glibcElf(EM.X86_64, "2.17"), "BW601 PyPI does not accept the platform tag linux_x86_64"],
  ])("reports %s", async (_, fileName, binary, finding) => {
    expect(await check(fileName, [["demo/tool", binary]])).toEqual([expect.stringContaining(finding)]);
  });

  /** An executable needing GLIBC_2.28 with its dynamic section moved 30 MiB in, and its string table to 27 MiB with `moveStrings`. */
  const deep = (moveStrings: boolean) => {
    const base = glibcElf(EM.X86_64, "2.28");
    const out = Buffer.alloc(40 << 20);
    base.copy(out);
    const phoff = Number(base.readBigUInt64LE(32));
    const dyn = phoff + 2 * 56; // PT_LOAD, PT_INTERP, PT_DYNAMIC
    out.writeBigUInt64LE(BigInt(out.length), phoff + 32); // PT_LOAD covers the whole file
    out.writeBigUInt64LE(BigInt(out.length), phoff + 40);
    const dynamicAt = Number(base.readBigUInt64LE(dyn + 8));
    const at = 30 << 20;
    base.copy(out, at, dynamicAt, base.length);
    out.writeBigUInt64LE(BigInt(at), dyn + 8);
    out.writeBigUInt64LE(BigInt(at), dyn + 16);
    if (moveStrings) {
      // Behind the stream (and past what it keeps) by the time the dynamic section passes.
      const strtabEntry = at + 16; // DT_NEEDED, then DT_STRTAB
      const strtab = Number(out.readBigUInt64LE(strtabEntry + 8));
      base.copy(out, 27 << 20, strtab, strtab + 256);
      out.writeBigUInt64LE(BigInt(27 << 20), strtabEntry + 8);
    }
    return out;
  };

  it("reads headers deep in a large binary as it streams by, and says when one lay behind what it kept", async () => {
    for (const [moveStrings, expected] of [[false, { format: "ELF", versionNeeds: expect.arrayContaining([{ file: "libc.so.6", versions: expect.arrayContaining(["GLIBC_2.28"]) }]) }], [true, "incomplete"]] as const) {
      const data = deep(moveStrings);
      const stream = new BinaryStream(data.length);
      for (let at = 0; at < data.length; at += 256 << 10) {
        stream.take(data.subarray(at, at + (256 << 10)));
        await new Promise(setImmediate);
      }
      expect(stream.isBinary).toBe(true);
      expect(await stream.headers()).toEqual(typeof expected === "string" ? expected : expect.objectContaining(expected));
    }
  });

  it("reports the same either way: the binary is read a second time when a header lay behind", async () => {
    for (const moveStrings of [false, true]) {
      const found = await check(linux, [["demo/big", deep(moveStrings)]]);
      expect(found, String(moveStrings)).toEqual([expect.stringContaining("BW604 the tag manylinux_2_17_x86_64 promises glibc 2.17, but demo/big needs GLIBC_2.28 (from libc.so.6): pip and uv install this wheel on systems with an older glibc, where it cannot load; its tag should be manylinux_2_28 or newer")]);
    }
  }, 60_000);

  it("warns on a file that starts like a binary but is not one", async () => {
    const broken = Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01", "latin1"), Buffer.alloc(9), Buffer.from([3, 0, 62, 0]), Buffer.alloc(40)]);
    broken.writeBigUInt64LE(0xffffffffn, 32); // e_phoff far past the end
    broken.writeUInt16LE(56, 54);
    broken.writeUInt16LE(3, 56);
    expect((await check(linux, [["demo/fake.so", broken]])).join("\n")).toMatch(/^BW607 demo\/fake\.so starts like a binary but its headers are malformed/m);
  });
});

describe("SBOMs in .dist-info/sboms (PEP 770, BW8xx)", () => {
  const sbom = (doc: unknown) => ["demo-1.0.dist-info/sboms/x.cdx.json", typeof doc === "string" ? doc : JSON.stringify(doc)] as [string, string];
  const fileSha = sha("x = 1\n").digest("hex");
  const file = (name: string, content: string) => ({ type: "file", name, hashes: [{ alg: "SHA-256", content }] });

  it("passes a CycloneDX document whose files carry their sha256, and any other JSON SBOM", async () => {
    const doc = { bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [{ type: "application", name: "up", components: [file("demo/__init__.py", fileSha)] }] };
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(doc), ["demo-1.0.dist-info/sboms/other.spdx.json", "{}"]] });
    expect(await findings(wheel)).toEqual([]);
  });

  it("reports broken JSON, the wrong shape, a malformed hash and a file whose sha256 differs, names made printable", async () => {
    const doc = { bomFormat: "SPDX", specVersion: "9", serialNumber: "nope", components: [{ type: "application", name: "up", components: [file("demo/__init__.py", "0".repeat(64)), file("a\u001b[31mred", "zz"), { name: 1 }] }] };
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(doc), ["demo-1.0.dist-info/sboms/broken.json", "{"]] });
    const found = await findings(wheel);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^BW801 demo-1\.0\.dist-info\/sboms\/broken\.json: is not valid JSON/),
      'BW802 demo-1.0.dist-info/sboms/x.cdx.json: bomFormat is "SPDX", not "CycloneDX"',
      expect.stringMatching(/^BW802 .*sboms\/x\.cdx\.json: specVersion is "9", not a CycloneDX version/),
      'BW802 demo-1.0.dist-info/sboms/x.cdx.json: serialNumber "nope" is not a urn:uuid',
      `BW803 demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[0] gives demo/__init__.py the sha256 ${"0".repeat(64)}, but the wheel's file has ${fileSha}`,
      'BW802 demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[1] (a\\u001b[31mred) has a malformed hash {"alg":"SHA-256","content":"zz"}',
      "BW802 demo-1.0.dist-info/sboms/x.cdx.json: components[0].components[2] lacks a type or a name",
    ]));
    expect(found.join("\n")).not.toMatch(/\u001b/);
    // Installers ignore SBOMs: these are warnings, which fail only under --strict.
    const [report] = await checkFiles([wheel]);
    expect(new Set(report!.findings.map((f) => f.severity))).toEqual(new Set(["warning"]));
  });

  it("walks components nested thousands deep without running out of stack", async () => {
    // Written out by hand: JSON.stringify itself recurses.
    const depth = 20000;
    const text = '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[' + '{"type":"library","name":"l","components":['.repeat(depth) +
      JSON.stringify(file("demo/__init__.py", "0".repeat(64))) + "]}".repeat(depth) + "]}";
    const wheel = await pythonWheel(tempDir(), { files: [["demo/__init__.py", "x = 1\n"], sbom(text)] });
    const found = await findings(wheel);
    expect(found).toHaveLength(1);
    expect(found[0]!.length).toBeLessThan(520);
    expect(found[0]).toMatch(/^BW803 .*: components\[0\]\.components\[0\].*….*\.components\[0\] gives demo\/__init__\.py the sha256 0{64}, but the wheel's file has/);
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
