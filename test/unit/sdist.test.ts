import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { list } from "tar";
import { describe, expect, it } from "vitest";
import { buildSdist } from "../../src/sdist/build.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)]);

async function sdistOf(files: Record<string, string | Buffer>, env: Record<string, string> = {}) {
  const root = tempProject({});
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  const out = tempDir();
  const name = await buildSdist({ projectDir: root, outDir: out, options: { offline: false, locked: false, verbose: false }, env });
  const members: { path: string; mtime: number; mode: number }[] = [];
  await list({ file: path.join(out, name), onReadEntry: (e) => { members.push({ path: e.path, mtime: e.mtime!.getTime() / 1000, mode: e.mode! }); } });
  return { name, members, bytes: readFileSync(path.join(out, name)), out };
}

async function sdistError(files: Record<string, string | Buffer>): Promise<string> {
  try {
    await sdistOf(files);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

const toondb = (extra = "") => `${TOONDB_PYPROJECT}\n${extra}`;

describe("buildSdist", () => {
  it("holds PKG-INFO first, then the crucial files, the packages and the includes, never the binary folders", async () => {
    const { name, members } = await sdistOf({
      "pyproject.toml": toondb(`[tool.binwheel.sdist]\ninclude = ["docs/*.md"]\nexclude = ["toondb/secret.py"]\n`).replace('version = "0.3.2"', 'version = "0.3.2"\nreadme = "README.md"'),
      "README.md": "# readme",
      "LICENSE": "license",
      "toondb/__init__.py": "",
      "toondb/secret.py": "",
      // What an editable install wrote, and recorded as its own.
      "toondb/_bin/linux-x86_64/toondb-bulk": ELF,
      "toondb/lib/macos-aarch64/libtoondb_index.dylib": "lib",
      ".binwheel-editable.json": JSON.stringify({ "toondb/_bin/linux-x86_64/toondb-bulk": "x", "toondb/lib/macos-aarch64/libtoondb_index.dylib": "x" }),
      "toondb/__pycache__/x.pyc": "",
      "docs/guide.md": "guide",
      "dist/old.whl": "",
    });
    expect(name).toBe("toondb_client-0.3.2.tar.gz");
    expect(members.map((m) => m.path)).toEqual([
      "toondb_client-0.3.2/PKG-INFO",
      "toondb_client-0.3.2/pyproject.toml",
      "toondb_client-0.3.2/README.md",
      "toondb_client-0.3.2/LICENSE",
      "toondb_client-0.3.2/docs/guide.md",
      "toondb_client-0.3.2/toondb/__init__.py",
    ]);
  });

  it("is byte-identical on rebuilds and stamps SOURCE_DATE_EPOCH into tar and gzip headers", async () => {
    const files = { "pyproject.toml": toondb(), "toondb/__init__.py": "x = 1\n" };
    const a = await sdistOf(files, { SOURCE_DATE_EPOCH: "1700000000" });
    const b = await sdistOf(files, { SOURCE_DATE_EPOCH: "1700000000" });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.members.every((m) => m.mtime === 1700000000)).toBe(true);
    expect(a.bytes.readUInt32LE(4)).toBe(1700000000);
    const early = await sdistOf(files, { SOURCE_DATE_EPOCH: "0" });
    expect(early.members[0]!.mtime).toBe(315532800); // clamped to 1980
  });

  it("writes long paths through pax headers", async () => {
    const deep = `toondb/${"very_long_folder_name/".repeat(6)}module.py`;
    const { members } = await sdistOf({ "pyproject.toml": toondb(), "toondb/__init__.py": "", [deep]: "" });
    expect(members.map((m) => m.path)).toContain(`toondb_client-0.3.2/${deep}`);
  });

  it.each([
    ["an include that pulls in a binary folder", {
      "pyproject.toml": toondb(`[tool.binwheel.sdist]\ninclude = ["toondb/_bin/**"]`),
      "toondb/_bin/linux-x86_64/notes.txt": "x",
      ".binwheel-editable.json": JSON.stringify({ "toondb/_bin/linux-x86_64/notes.txt": "x" }),
    },
      /\[tool\.binwheel\.sdist\] include pattern "toondb\/_bin\/\*\*" would put toondb\/_bin\/linux-x86_64\/notes\.txt \(in the binary folder toondb\/_bin\/linux-x86_64\) in the sdist/],
    ["an include that pulls in an executable", { "pyproject.toml": toondb(`[tool.binwheel.sdist]\ninclude = ["tools/*"]`), "tools/helper": ELF },
      /\[tool\.binwheel\.sdist\] include pattern "tools\/\*" would put tools\/helper \(an ELF binary\) in the sdist\. An sdist carries no binaries/],
    ["an exclude that drops pyproject.toml", { "pyproject.toml": toondb(`[tool.binwheel.sdist]\nexclude = ["*.toml"]`) },
      /exclude pattern "\*\.toml" would drop pyproject\.toml \(the build configuration\)/],
    ["an include that matches nothing", { "pyproject.toml": toondb(`[tool.binwheel.sdist]\ninclude = ["nothing/*"]`) }, /include pattern "nothing\/\*" matches no file/],
  ])("refuses %s", async (_, files, message) => {
    expect(await sdistError({ "toondb/__init__.py": "", ...files })).toMatch(message);
  });

  it("leaves nothing behind when it fails", async () => {
    const root = tempProject({ "pyproject.toml": toondb(`[tool.binwheel.sdist]\ninclude = ["tools/*"]`), "toondb/__init__.py": "", "tools/helper": ELF.toString("latin1") });
    const out = tempDir();
    await expect(buildSdist({ projectDir: root, outDir: out, options: { offline: false, locked: false, verbose: false }, env: {} })).rejects.toThrow();
    expect(readdirSync(out)).toEqual([]);
  });
});
