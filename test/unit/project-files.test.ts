// Files named by [project] (readme, license files) must lie inside the project and be UTF-8:
// nothing from outside the project reaches METADATA or the sdist, whatever the paths or links say.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { tempDir, tempProject } from "../support/tmp.js";

/** A project "demo" whose [project] table ends with `extra`, holding `files`. */
function project(extra: string, files: Record<string, string> = {}): string {
  return tempProject({ "pyproject.toml": `[project]\nname = "demo"\nversion = "1.0"\n${extra}\n`, "demo.py": "", ...files });
}

function errorOf(root: string): string {
  try {
    loadProject(root);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a configuration error");
}

/** A folder outside every test project, holding secret.md. */
function outside(): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, "secret.md"), "# secret\n");
  return dir;
}

describe("files named by [project]", () => {
  it.each([
    ["readme", `readme = "../secret.md"`, /^pyproject\.toml: \[project\] readme "\.\.\/secret\.md" must be a path inside the project/],
    ["readme.file", `readme = { file = "docs/../../secret.md", content-type = "text/markdown" }`, /^pyproject\.toml: \[project\.readme\] file "docs\/\.\.\/\.\.\/secret\.md" must be a path inside the project/],
    ["license.file", `license = { file = "../x" }`, /^pyproject\.toml: \[project\.license\] file "\.\.\/x" must be a path inside the project/],
    ["Windows-style readme", `readme = '..\\README.md'`, /^pyproject\.toml: \[project\] readme "\.\.\\README\.md" must be a path inside the project/],
  ])("refuses a %s that climbs out of the project", (_, extra, message) => {
    expect(errorOf(project(extra))).toMatch(message);
  });

  it("refuses an absolute readme, in both forms", () => {
    const secret = path.join(outside(), "secret.md");
    expect(errorOf(project(`readme = ${JSON.stringify(secret)}`))).toMatch(/^pyproject\.toml: \[project\] readme ".*secret\.md" must be a path inside the project/);
    expect(errorOf(project(`readme = { file = ${JSON.stringify(secret)}, content-type = "text/markdown" }`))).toMatch(
      /^pyproject\.toml: \[project\.readme\] file ".*secret\.md" must be a path inside the project/,
    );
  });

  it("refuses a README.md that links to a file outside the project", () => {
    const root = project(`readme = "README.md"`);
    symlinkSync(path.join(outside(), "secret.md"), path.join(root, "README.md"));
    expect(errorOf(root)).toMatch(/^pyproject\.toml: \[project\] readme names "README\.md", which is a link to .*secret\.md, outside the project/);
  });

  it("follows a README.md link that stays inside the project", () => {
    const root = project(`readme = "README.md"`, { "docs/index.md": "# Demo\n" });
    symlinkSync(path.join("docs", "index.md"), path.join(root, "README.md"));
    expect(loadProject(root).metadata.readme).toEqual({ text: "# Demo\n", contentType: "text/markdown", file: "README.md" });
  });

  it("refuses a LICENSE that links outside the project, named by license-files or found by default", () => {
    const named = project(`license = "MIT"\nlicense-files = ["LICENSE"]`);
    symlinkSync(path.join(outside(), "secret.md"), path.join(named, "LICENSE"));
    expect(errorOf(named)).toMatch(/^pyproject\.toml: \[project\] license-files pattern "LICENSE" names "LICENSE", which is a link to .*secret\.md, outside the project/);

    const legacy = project(`license = { file = "LICENSE" }`);
    symlinkSync(path.join(outside(), "secret.md"), path.join(legacy, "LICENSE"));
    expect(errorOf(legacy)).toMatch(/^pyproject\.toml: \[project\.license\] file names "LICENSE", which is a link to .*secret\.md, outside the project/);

    const found = project(`license = "MIT"`);
    symlinkSync(path.join(outside(), "secret.md"), path.join(found, "LICENSE"));
    expect(errorOf(found)).toMatch(/LICENSE.* is a link to .*secret\.md, outside the project/);
  });

  it("does not look into folders the default license patterns cannot match (a .venv links outside)", () => {
    const root = project(`license = "MIT"`, { LICENSE: "MIT" });
    mkdirSync(path.join(root, ".venv", "bin"), { recursive: true });
    symlinkSync(path.join(outside(), "secret.md"), path.join(root, ".venv", "bin", "python"));
    expect(loadProject(root).metadata.licenseFiles.map((f) => f.relative)).toEqual(["LICENSE"]);
  });

  it("refuses a readme or license file that is not UTF-8, naming the file and the key", () => {
    const latin1 = Buffer.from("# Caf\xe9\n", "latin1").toString("latin1");
    const readme = project(`readme = "README.md"`);
    writeFileSync(path.join(readme, "README.md"), Buffer.from(latin1, "latin1"));
    expect(errorOf(readme)).toMatch(/^README\.md \(\[project\] readme\) is not valid UTF-8: line 1/);

    const license = project(`license = "MIT"\nlicense-files = ["LICEN[CS]E*"]`);
    writeFileSync(path.join(license, "LICENSE"), Buffer.from("ok\nCopyright \xa9 Demo\n", "latin1"));
    expect(errorOf(license)).toMatch(/^LICENSE \(\[project\] license-files pattern "LICEN\[CS\]E\*"\) is not valid UTF-8: line 2/);
  });

  it("keeps the normalized path of the readme for the sdist", () => {
    const root = project(`readme = "./docs/README.md"`, { "docs/README.md": "# Demo\n" });
    expect(loadProject(root).metadata.readme?.file).toBe("docs/README.md");
  });
});
