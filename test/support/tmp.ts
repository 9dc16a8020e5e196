// Temporary project folders for unit tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder holding `files` (path -> content), removed after the test. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "binwheel-unit-"));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

export function tempDir(): string {
  return tempProject({});
}

/** A valid ToonDB-like pyproject.toml, with `extra` appended (TOML lets later tables add keys). */
export const TOONDB_PYPROJECT = `[project]
name = "toondb-client"
version = "0.3.2"

[tool.binwheel]
packages = ["toondb"]

[tool.binwheel.upstream]
github = "toondb/toondb"
asset = "toondb-{version}-{target}.{archive}"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"
"aarch64-apple-darwin" = "auto"
"x86_64-pc-windows-msvc" = "auto"

[[tool.binwheel.include]]
from = "bin/*"
to = "toondb/_bin/{platform}"

[[tool.binwheel.include]]
from = "lib/*"
to = "toondb/lib/{platform}"

[tool.binwheel.scripts]
toondb-bulk = "toondb-bulk"
`;
