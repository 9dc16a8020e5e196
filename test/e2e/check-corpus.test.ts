// binwheel check on every wheel of the local PyPI mirror pip is configured for (real wheels nobody
// on the team wrote: numpy, torch, cmake, setuptools, pip, ...), through the bundled command and its
// worker threads. Each wheel must get exactly the codes recorded for it in
// test/data/check-corpus/verdicts.json, judged independently (packaging's validator, PyPI's rules,
// installer's, readelf); a wheel not recorded must get no error. And damaged copies of a valid
// real wheel still fail, each with its code.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { mirrorWheels } from "../support/mirror.js";
import { NODE, REPO } from "../support/project.js";
import { tempDir } from "../support/tmp.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const mirror = mirrorWheels();
if (mirror.reason) process.stdout.write(`check-corpus: skipped: ${mirror.reason}\n`);

interface Verdicts {
  codes: Record<string, string>;
  wheels: Record<string, { errors: string[]; warnings: string[]; judged: string[] }>;
}
interface Report {
  version: number;
  files: { path: string; passed: boolean; findings: { code: string; severity: string; message: string; rule: string }[]; omitted: Record<string, number> }[];
}

const verdicts = JSON.parse(readFileSync(path.join(REPO, "test/data/check-corpus/verdicts.json"), "utf8")) as Verdicts;
const check = (args: string[]) => execa(NODE, [CORE, "check", "--format", "json", ...args], { reject: false, maxBuffer: 1 << 28 });

describe.skipIf(mirror.wheels.length === 0)("binwheel check on the mirror's wheels", () => {
  let report: Report;
  beforeAll(async () => {
    const run = await check(mirror.wheels);
    expect(run.exitCode, run.stderr).toBeLessThanOrEqual(1);
    report = JSON.parse(run.stdout) as Report;
  }, 20 * 60_000);

  it("gives every wheel the codes judged for it, and no unjudged wheel an error", () => {
    const got: Record<string, { errors: string[]; warnings: string[] }> = {};
    const unjudged: string[] = [];
    for (const file of report.files) {
      const name = path.basename(file.path);
      // A code's omitted findings follow its first 20, so the findings name every code.
      const codes = (severity: string) => [...new Set(file.findings.filter((f) => f.severity === severity).map((f) => f.code))].sort();
      const entry = { errors: codes("error"), warnings: codes("warning") };
      if (verdicts.wheels[name]) got[name] = entry;
      else if (entry.errors.length) unjudged.push(`${name}: ${file.findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.message}`).join("; ")}`);
      else expect(entry.warnings, `${name} is not in verdicts.json; its warnings`).toEqual([]);
    }
    expect(unjudged, "wheels with errors nobody judged").toEqual([]);
    const expected = Object.fromEntries(Object.entries(verdicts.wheels)
      .filter(([name]) => got[name] !== undefined)
      .map(([name, v]) => [name, { errors: v.errors, warnings: v.warnings }]));
    expect(got).toEqual(expected);
    // Every recorded code says who judged it, and every recorded verdict has its evidence.
    for (const [name, v] of Object.entries(verdicts.wheels)) {
      for (const code of [...v.errors, ...v.warnings]) expect(verdicts.codes[code], `${name}: ${code}`).toBeDefined();
      expect(v.judged.length, name).toBeGreaterThan(0);
    }
  });

  it("passes a file that fails on warnings only, unless --strict", async () => {
    const warned = mirror.wheels.find((w) => { const v = verdicts.wheels[path.basename(w)]; return v && !v.errors.length && v.warnings.length; });
    expect(warned).toBeDefined();
    expect((await check([warned!])).exitCode).toBe(0);
    expect((await check(["--strict", warned!])).exitCode).toBe(1);
    expect((await check(["--ignore", verdicts.wheels[path.basename(warned!)]!.warnings.join(","), "--strict", warned!])).exitCode).toBe(0);
  });
});

describe.skipIf(mirror.wheels.length === 0)("damaged copies of a valid real wheel", () => {
  // The smallest manylinux wheel of the mirror with no finding: real binaries, real RECORD.
  const original = mirror.wheels
    .filter((w) => /manylinux/.test(w) && !verdicts.wheels[path.basename(w)])
    .map((w) => ({ w, size: statSync(w).size }))
    .filter(({ size }) => size > 100_000)
    .sort((a, b) => a.size - b.size)[0]?.w;
  let work: string;
  beforeAll(() => {
    work = tempDir();
  });

  /** A copy of the original rewritten by Python's zipfile: `edit` may change `name`, `data`, `info`, or skip with `continue`. */
  async function damaged(label: string, edit: string): Promise<string> {
    const out = path.join(work, label.replace(/\W+/g, "-"), path.basename(original!));
    await execa(inject("toolsPython"), ["-c", `
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(dst), exist_ok=True)
with zipfile.ZipFile(src) as z_in, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z_out:
    infos = z_in.infolist()
    for index, info in enumerate(infos):
        name, data = info.filename, z_in.read(info)
${edit.replace(/^/gm, "        ")}
        z_out.writestr(info, data)
`, original!, out]);
    return out;
  }

  it("passes unchanged", async () => {
    const run = await check([original!]);
    expect(JSON.parse(run.stdout).files[0].findings).toEqual([]);
  });

  it.each([
    ["a wrong RECORD hash", `if name.endswith(".dist-info/RECORD"): data = data.replace(b"sha256=", b"sha256=A", 1)`, "BW203"],
    ["a RECORD row missing", `if name.endswith(".dist-info/RECORD"): data = b"\\n".join(data.split(b"\\n")[1:])`, "BW202"],
    ["WHEEL tags unlike the file name's", `if name.endswith(".dist-info/WHEEL"): data = data.replace(b"manylinux", b"musllinux", 1)`, "BW308"],
    ["METADATA's Name of another project", `if name.endswith(".dist-info/METADATA"): data = data.replace(b"\\nName: ", b"\\nName: x", 1)`, "BW310"],
    ["a member ../x", `if index == 0: z_out.writestr("../x", b"")`, "BW114"],
    ["a member stored twice", `if index == 0: z_out.writestr(info, data)`, "BW111"],
  ])("reports %s", async (label, edit, code) => {
    const run = await check(["--strict", await damaged(label, edit)]);
    expect(run.exitCode).toBe(1);
    expect((JSON.parse(run.stdout) as Report).files[0]!.findings.map((f) => f.code)).toContain(code);
  });

  it("reports a member whose CRC-32 is wrong", async () => {
    const copy = await damaged("crc", "pass");
    // The first member's CRC-32, in its local header and the central directory alike.
    const bytes = readFileSync(copy);
    const crc = bytes.readUInt32LE(14);
    for (let at = bytes.indexOf(Buffer.from([0x50, 0x4b])); at >= 0; at = bytes.indexOf(Buffer.from([0x50, 0x4b]), at + 1)) {
      if (bytes.readUInt32LE(at) === 0x04034b50 && bytes.readUInt32LE(at + 14) === crc) bytes.writeUInt32LE(crc ^ 1, at + 14);
      if (bytes.readUInt32LE(at) === 0x02014b50 && bytes.readUInt32LE(at + 16) === crc) bytes.writeUInt32LE(crc ^ 1, at + 16);
    }
    writeFileSync(copy, bytes);
    const run = await check([copy]);
    expect(run.exitCode).toBe(1);
    expect((JSON.parse(run.stdout) as Report).files[0]!.findings.map((f) => `${f.code} ${f.message}`).join("\n")).toMatch(/^BW110 .*CRC-32/m);
  });
});
