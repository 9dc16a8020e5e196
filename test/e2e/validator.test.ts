// The strict validator must catch what it claims to: each case breaks one rule of a good wheel.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { validateWheel, withDataDescriptors } from "../support/python.js";

let work: string;
let good: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-validator-"));
  const links = inject("shimWheels");
  good = path.join(links, readdirSync(links).find((f) => f.startsWith("binwheel-"))!);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a broken copy of the good wheel to a new folder with Python code (`src`, `dst`, `items`). */
async function broken(name: string, transform: string): Promise<string> {
  const out = path.join(work, name, path.basename(good));
  mkdirSync(path.dirname(out), { recursive: true });
  await execa(inject("toolsPython"), ["-c", `
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z_in:
    items = [(i, z_in.read(i.filename)) for i in z_in.infolist()]
${transform}
`, good, out]);
  return out;
}

/** Python that copies every member to `dst`, after `edit` may change `info`, `name` or `data`. */
const rewrite = (edit: string) => `
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z_out:
    for info, data in items:
        name = info.filename
${edit.replace(/^/gm, "        ")}
        z_out.writestr(info, data)
`;

describe("validate_wheel.py", () => {
  it("accepts binwheel's own wheel", async () => {
    expect((await validateWheel(good)).name).toBe("binwheel");
  });

  it.each([
    ["trailing data", `import shutil; shutil.copy(src, dst); open(dst, "ab").write(b"x")`, /end of central directory record exactly at the end/],
    ["a wrong RECORD hash", rewrite(`if name.endswith("RECORD"): data = data.replace(b"sha256=", b"sha256=A", 1)`), /RECORD hash or size wrong/],
    ["WHEEL tags unlike the file name", rewrite(`if name.endswith("WHEEL"): data = data.replace(b"py3-none-any", b"py2-none-any")`), /WHEEL tags/],
    ["invalid metadata", rewrite(`if name.endswith("METADATA"): data = data.replace(b"Version: 0", b"Version: zero", 1)`), /Version|version/],
    ["a file missing from RECORD", rewrite(`if name.endswith("__init__.py"): z_out.writestr("binwheel/extra.py", b"")`), /RECORD lists/],
    ["no Unix modes (DOS external attributes)", rewrite(`info.create_system = 0; info.external_attr = 0`), /not Unix|S_IFREG/],
  ])("rejects %s", async (_, transform, problem) => {
    const wheel = await broken(_.replace(/\W+/g, "-"), transform);
    await expect(validateWheel(wheel)).rejects.toThrow(problem);
  });

  it("rejects data descriptors (what streaming zip writers produce)", async () => {
    const wheel = path.join(work, "dd", path.basename(good));
    mkdirSync(path.dirname(wheel), { recursive: true });
    // zipfile writes data descriptors when the output cannot seek.
    await withDataDescriptors(good, wheel);
    await expect(validateWheel(wheel)).rejects.toThrow(/data descriptor/);
  });
});
