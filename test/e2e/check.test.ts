// binwheel check catches each defect it claims to: every case breaks one rule of a good wheel or
// sdist (rewritten with Python's zipfile/tarfile), and the good ones pass; exit codes, --strict,
// --select/--ignore and the JSON report as documented.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fixtureLibrary, toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { pipEnv } from "../support/project.js";
import { withDataDescriptors } from "../support/python.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const WHEEL = "toondb_client-0.3.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl";
const SDIST = "toondb_client-0.3.2.tar.gz";
let work: string;
let good: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-check-"));
  const github = await GitHubStandIn.start();
  try {
    github.addRelease(await toondbRelease("0.3.2"));
    const project = assembleExampleProject(path.join(work, "toondb-client"));
    good = path.join(work, "good");
    const built = await execa(NODE, [CORE, "build", project, "--sdist", "--out-dir", good], { env: { GITHUB_API_URL: github.apiUrl }, reject: false, all: true });
    expect(built.exitCode, built.all).toBe(0);
  } finally {
    await github.close();
  }
  writeFileSync(path.join(work, "aarch64.so"), fixtureLibrary("aarch64-unknown-linux-gnu"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const check = (...args: string[]) => execa(NODE, [CORE, "check", ...args], { reject: false, all: true });

/** A copy of the good wheel rewritten by Python: `edit` may change `name`, `data`, `info`, or skip with `continue`. */
async function brokenWheel(label: string, edit: string, fileName = WHEEL): Promise<string> {
  const out = path.join(work, label.replace(/\W+/g, "-"), fileName);
  mkdirSync(path.dirname(out), { recursive: true });
  await execa(inject("toolsPython"), ["-c", `
import base64, hashlib, sys, zipfile
src, dst, lib = sys.argv[1], sys.argv[2], sys.argv[3]
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
with zipfile.ZipFile(src) as z_in, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z_out:
    for info in z_in.infolist():
        name, data = info.filename, z_in.read(info)
${edit.replace(/^/gm, "        ")}
        z_out.writestr(info, data)
`, path.join(good, WHEEL), out, path.join(work, "aarch64.so")]);
  return out;
}

describe("binwheel check", () => {
  it("passes the wheel and sdist binwheel builds", async () => {
    const result = await check(path.join(good, WHEEL), path.join(good, SDIST));
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toBe(`ok      ${path.join(good, WHEEL)}\nok      ${path.join(good, SDIST)}`);
  });

  it.each([
    ["a wrong RECORD hash", `if name.endswith("RECORD"): data = data.replace(b"sha256=", b"sha256=A", 1)`, /^ +BW203 error +RECORD's sha256 for .* is/m],
    ["a file missing from RECORD", `if name.endswith("__init__.py"): z_out.writestr("toondb/extra.py", b"")`, /^ +BW202 error +toondb\/extra\.py is not listed in RECORD/m],
    ["WHEEL tags unlike the file name", `if name.endswith("WHEEL"): data = data.replace(b"manylinux2014", b"manylinux2010")`, /^ +BW308 warning WHEEL's Tag lines .* differ from the file name's tags/m],
    ["an invalid version in METADATA", `if name.endswith("METADATA"): data = data.replace(b"Version: 0.3.2", b"Version: zero", 1)`, /^ +BW404 error +METADATA: Version "zero" is not a PEP 440 version/m],
    ["a missing license file", `if "licenses/" in name: continue`, /^ +BW410 error +METADATA: License-File "LICENSE" is not in the wheel's \.dist-info\/licenses\//m],
    ["a direct URL dependency", `if name.endswith("METADATA"): data = data.replace(b"Requires-Python", b"Requires-Dist: x @ https://example.com/x.whl\\nRequires-Python", 1)`, /^ +BW408 error +.*direct URL reference, which PyPI refuses/m],
    ["a binary of another architecture", `if name.endswith("libtoondb_index.so"): data = open(lib, "rb").read()\nif name.endswith("RECORD"): data = b"".join(l if b"libtoondb_index" not in l else b"toondb/lib/linux-x86_64/libtoondb_index.so," + digest(open(lib, "rb").read()).encode() + b"," + str(len(open(lib, "rb").read())).encode() + b"\\n" for l in data.splitlines(True))`, /^ +BW602 error +toondb\/lib\/linux-x86_64\/libtoondb_index\.so is aarch64 code, but the tag manylinux2014_x86_64 installs it on x86_64 systems/m],
    ["a Unix symlink entry", `if name.endswith("toondb-server"): info.external_attr = (0o120777 << 16)`, /^ +BW117 error +\S*toondb-server is a symbolic link/m],
  ])("reports %s", async (label, edit, finding) => {
    // Strict, as binwheel release is on its own files: a warning fails too.
    const result = await check("--strict", await brokenWheel(label, edit));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^FAILED /);
    expect(result.stdout).toMatch(finding);
  });

  /** Root-Is-Purelib: False in WHEEL, RECORD updated to match: a warning and nothing else. */
  const purelibFalse = `if name.endswith("WHEEL"): data = data.replace(b"Root-Is-Purelib: false", b"Root-Is-Purelib: False"); edited = (name, data)
if name.endswith(".dist-info/RECORD"): data = b"".join((f"{n},{digest(d)},{len(d)}\\n".encode() if l.split(b",")[0].decode() == n else l) for l in data.splitlines(True) for n, d in [edited])`;

  it("exits 0 on warnings, 1 on errors and under --strict on warnings, 2 on usage errors; --select and --ignore take prefixes", async () => {
    const warned = await brokenWheel("warned", purelibFalse);
    const failing = await brokenWheel("failing", `if name.endswith("RECORD"): data = data.replace(b"sha256=", b"sha256=A", 1)`);
    const plain = await check(warned);
    expect(plain.exitCode, plain.all).toBe(0);
    expect(plain.stdout).toMatch(/^warned  .*\n +BW307 warning WHEEL's Root-Is-Purelib is "False"/);
    expect((await check("--strict", warned)).exitCode).toBe(1);
    expect((await check("--strict", "--ignore", "BW3", warned)).exitCode).toBe(0);
    expect((await check(failing)).exitCode).toBe(1);
    expect((await check("--ignore", "bw20", failing)).exitCode).toBe(0);
    const selected = await check("--select", "BW1,BW3", warned, failing);
    expect(selected.exitCode).toBe(0);
    expect(selected.stdout).not.toMatch(/BW20/);
    for (const usage of [["--select", "BW9"], ["--format", "xml", warned], ["--jobs", "0", warned], [path.join(work, "nowhere.whl")], [path.join(work, "aarch64.so")], []]) {
      const run = await check(...usage);
      expect(run.exitCode, usage.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^binwheel: error: /);
    }
  });

  it("writes the documented JSON report", async () => {
    const warned = await brokenWheel("json", purelibFalse);
    const result = await check("--format", "json", warned, path.join(good, SDIST));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      files: [
        {
          path: warned, kind: "wheel", passed: true, errors: 0, warnings: 1,
          findings: [{ code: "BW307", severity: "warning", message: expect.stringMatching(/^WHEEL's Root-Is-Purelib is "False"/), rule: "https://packaging.python.org/en/latest/specifications/binary-distribution-format/#the-dist-info-directory" }],
          omitted: {},
        },
        { path: path.join(good, SDIST), kind: "sdist", passed: true, errors: 0, warnings: 0, findings: [], omitted: {} },
      ],
      summary: { files: 2, failed: 0, errors: 0, warnings: 1 },
    });
    const strict = JSON.parse((await check("--format", "json", "--strict", warned)).stdout);
    expect(strict.files[0].passed).toBe(false);
    expect(strict.summary.failed).toBe(1);
  });

  it("reports data descriptors and trailing data in the zip framing", async () => {
    const descriptor = path.join(work, "descriptor", WHEEL);
    mkdirSync(path.dirname(descriptor), { recursive: true });
    await withDataDescriptors(path.join(good, WHEEL), descriptor);
    expect((await check(descriptor)).stdout).toMatch(/^ +BW106 error +\S+ uses a data descriptor, which PyPI refuses/m);
    const trailing = path.join(work, "trailing", WHEEL);
    mkdirSync(path.dirname(trailing), { recursive: true });
    copyFileSync(path.join(good, WHEEL), trailing);
    writeFileSync(trailing, "junk", { flag: "a" });
    expect((await check(trailing)).stdout).toMatch(/^ +BW102 error +there are bytes after the zip's end record \(trailing data\), which PyPI refuses/m);
  });

  it("passes the wheel rewritten with ZIP64 (forced, and throughout), which pip installs", async () => {
    for (const [label, setup, write] of [
      ["zip64-forced", "", `with z_out.open(info, "w", force_zip64=True) as f:\n    f.write(data)`],
      ["zip64-throughout", "zipfile.ZIP64_LIMIT = 0  # ZIP64 sizes, offsets and end records", "z_out.writestr(info, data)"],
    ] as const) {
      const out = path.join(work, label, WHEEL);
      mkdirSync(path.dirname(out), { recursive: true });
      await execa(inject("toolsPython"), ["-c", `
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z_in:
    members = [(info, z_in.read(info)) for info in z_in.infolist()]
${setup}
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z_out:
    for old, data in members:
        info = zipfile.ZipInfo(old.filename, old.date_time)
        info.external_attr, info.compress_type = old.external_attr, old.compress_type
${write.replace(/^/gm, "        ")}
`, path.join(good, WHEEL), out]);
      const result = await check(out);
      expect(result.all, label).toBe(`ok      ${out}`);
      const target = path.join(work, label, "site");
      const pip = await execa(inject("toolsPython"), ["-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", target, out], { env: pipEnv(), reject: false, all: true });
      expect(pip.exitCode, pip.all).toBe(0);
      expect(readdirSync(target)).toContain("toondb");
    }
  });

  it("checks a wheel of 60,000 files in time linear in its size", async () => {
    // Ten times the files may take at most ten times as long: measured 4x on a quiet machine and
    // 3x under heavy load, where start-up weighs more (a check that compared each name with every
    // earlier one took 28 s at 60,000 files, against 1 s). A ratio of two runs on one machine
    // holds on a busy CI runner, where a bound in seconds does not.
    const timed = async (files: number) => {
      const wheel = path.join(work, `many-${files}`, "many-1.0-py3-none-any.whl");
      mkdirSync(path.dirname(wheel), { recursive: true });
      await execa(inject("toolsPython"), ["-c", `
import base64, hashlib, sys, zipfile
def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
record = []
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    def add(name, data):
        z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        record.append(f"{name},{digest(data)},{len(data)}\\n")
    for i in range(int(sys.argv[2])):
        add(f"many/m{i // 1000}/f{i}.py", f"VALUE = {i}\\n".encode())
    add("many-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\\nName: many\\nVersion: 1.0\\n")
    add("many-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr(zipfile.ZipInfo("many-1.0.dist-info/RECORD", (2024, 1, 1, 0, 0, 0)), "".join(record) + "many-1.0.dist-info/RECORD,,\\n", zipfile.ZIP_DEFLATED)
`, wheel, String(files)]);
      const start = performance.now();
      const result = await check(wheel);
      expect(result.all).toBe(`ok      ${wheel}`);
      return performance.now() - start;
    };
    const small = await timed(6000);
    const large = await timed(60000);
    expect(large / small).toBeLessThan(10);
  });

  it("reports file names PyPI refuses", async () => {
    const renamed = path.join(work, "renamed");
    mkdirSync(renamed);
    for (const [from, to] of [[WHEEL, "Toondb_Client-0.3.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"], [WHEEL, "toondb_client-0.3.2-py3-none-linux_x86_64.whl"]] as const) {
      copyFileSync(path.join(good, from), path.join(renamed, to));
    }
    const result = await check(...readdirSync(renamed).map((f) => path.join(renamed, f)));
    expect(result.stdout).toMatch(/^ +BW302 error +the file name's project part "Toondb_Client" is not the normalized project name "toondb_client"/m);
    expect(result.stdout).toMatch(/^ +BW601 error +PyPI does not accept the platform tag linux_x86_64/m);
  });

  it("warns on sdists with a binary or no pyproject.toml, and passes PKG-INFO anywhere", async () => {
    const make = async (label: string, body: string) => {
      const out = path.join(work, `sdist-${label}`, SDIST);
      mkdirSync(path.dirname(out), { recursive: true });
      await execa(inject("toolsPython"), ["-c", `
import io, sys, tarfile
src, dst, lib = sys.argv[1], sys.argv[2], sys.argv[3]
with tarfile.open(src, "r:gz") as t_in:
    members = [(m, t_in.extractfile(m).read()) for m in t_in.getmembers()]
def add(t, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
with tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as t_out:
${body.replace(/^/gm, "    ")}
`, path.join(good, SDIST), out, path.join(work, "aarch64.so")]);
      return out;
    };
    const binary = await make("binary", `for m, d in members: t_out.addfile(m, io.BytesIO(d))\nadd(t_out, "toondb_client-0.3.2/toondb/native.so", open(lib, "rb").read())`);
    expect((await check(binary)).stdout).toMatch(/^ +BW709 warning toondb\/native\.so is a prebuilt binary/m);
    const order = await make("order", `for m, d in reversed(members): t_out.addfile(m, io.BytesIO(d))`);
    expect((await check(order)).stdout).toBe(`ok      ${order}`);
    const noPyproject = await make("pyproject", `for m, d in members:\n    if not m.name.endswith("pyproject.toml"): t_out.addfile(m, io.BytesIO(d))`);
    expect((await check(noPyproject)).stdout).toMatch(/^ +BW705 warning pyproject\.toml is missing/m);
  });
});
