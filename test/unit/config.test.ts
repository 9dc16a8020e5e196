import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { readOptions } from "../../src/config/settings.js";
import { TOOL_CASES } from "../support/config-cases.js";
import { TOONDB_PYPROJECT, tempProject } from "../support/tmp.js";

const pkg = { "toondb/__init__.py": "" };

/** Loads a project whose pyproject.toml is `text`, with the toondb package present. */
function load(text: string, files: Record<string, string> = {}) {
  return loadProject(tempProject({ "pyproject.toml": text, ...pkg, ...files }));
}

/** The message of the error that loading `text` raises. */
function errorOf(text: string, files: Record<string, string> = {}): string {
  try {
    load(text, files);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a configuration error");
}

const minimal = (project: string, tool = "") => `[project]\nname = "demo"\nversion = "1.0"\n${project}\n${tool}`;

describe("loadProject", () => {
  it("reads the ToonDB configuration", () => {
    const { metadata, config } = load(TOONDB_PYPROJECT);
    expect(metadata).toMatchObject({ name: "toondb-client", version: "0.3.2" });
    expect(config.packages.map((p) => p.name)).toEqual(["toondb"]);
    expect(config.upstream).toMatchObject({ source: { kind: "github", owner: "toondb", repo: "toondb" }, name: "toondb/toondb", tag: "v{version}", asset: "toondb-{version}-{target}.{archive}" });
    expect(config.targets.map((t) => t.triple)).toEqual(["x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"]);
    expect(config.include.map((r) => [r.from, r.to])).toEqual([["bin/*", "toondb/_bin/{platform}"], ["lib/*", "toondb/lib/{platform}"]]);
    expect(config.scripts).toEqual([{ name: "toondb-bulk", executable: "toondb-bulk", direct: false }]);
  });

  it("reads every [project] field", () => {
    const { metadata } = load(
      `[project]
name = "Toon.DB_client"
version = "1.0-1"
description = "One line"
readme = "README.md"
requires-python = ">=3.9"
license = "apache-2.0 or mit"
license-files = ["LICENSE*", "licenses/*.txt"]
authors = [{ name = "Ada", email = "ada@example.com" }, { name = "Bob" }, { email = "c@example.com" }]
maintainers = [{ name = "C. Schultz", email = "cs@example.com" }]
keywords = ["db", "toon"]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = ["requests>=2"]
[project.optional-dependencies]
Fast_Mode = ["orjson; python_version >= '3.9'"]
[project.urls]
Homepage = "https://example.com"
[project.scripts]
toon = "toondb.cli:main"
[project.gui-scripts]
toon-gui = "toondb.gui:main"
[project.entry-points."toon.plugins"]
basic = "toondb.plugins:basic"
[tool.binwheel]
packages = ["toondb"]
`,
      { "README.md": "# Toon\n", LICENSE: "x", "licenses/a.txt": "a", "licenses/b.md": "b" },
    );
    expect(metadata.version).toBe("1.0.post1");
    expect(metadata.licenseExpression).toBe("Apache-2.0 OR MIT");
    expect(metadata.licenseFiles.map((f) => f.relative)).toEqual(["LICENSE", "licenses/a.txt"]);
    expect(metadata.readme).toEqual({ text: "# Toon\n", contentType: "text/markdown", file: "README.md" });
    expect(metadata.optionalDependencies).toEqual([["fast-mode", ["orjson; python_version >= '3.9'"]]]);
    expect(metadata.entryPoints).toEqual([["toon.plugins", [["basic", "toondb.plugins:basic"]]]]);
    expect(metadata.authors).toEqual([{ name: "Ada", email: "ada@example.com" }, { name: "Bob" }, { email: "c@example.com" }]);
  });

  it("finds the default package in src/ and default license files", () => {
    const { config, metadata } = loadProject(tempProject({
      "pyproject.toml": minimal(""),
      "src/demo/__init__.py": "",
      "COPYING.txt": "c",
    }));
    expect(config.packages[0]!.path).toMatch(/src[\\/]demo$/);
    expect(metadata.licenseFiles.map((f) => f.relative)).toEqual(["COPYING.txt"]);
  });

  it.each([
    ["not TOML", `[project\nname = "x"`, /not valid TOML at line 1/],
    ["no [project]", `[tool.x]\na = 1\n`, /has no \[project\] table/],
    ["missing name", `[project]\nversion = "1"\n`, /\[project\] name is missing/],
    ["bad name", `[project]\nname = "-x"\nversion = "1"\n`, /\[project\] name "-x" is not a valid project name/],
    ["missing version", `[project]\nname = "demo"\n`, /\[project\] version is missing/],
    ["bad version", `[project]\nname = "demo"\nversion = "one"\n`, /\[project\] version "one" is not a valid PEP 440 version/],
    ["wrong type", `[project]\nname = "demo"\nversion = 1\n`, /\[project\] version must be a string, but it is number 1/],
    ["unknown key", minimal(`desciption = "x"`), /\[project\] desciption is not a known key; did you mean "description"\?/],
    ["dynamic", minimal(`dynamic = ["readme"]`), /\[project\] dynamic lists "readme"/],
    ["multi-line summary", minimal(`description = "a\\nb"`), /description must be a single line/],
    ["readme missing", minimal(`readme = "README.md"`), /\[project\] readme names "README.md", which does not exist/],
    ["readme type", minimal(`readme = "README.adoc"`), /unknown extension/],
    ["readme table", minimal(`readme = { text = "x" }`), /\[project\.readme\] content-type is missing/],
    ["license expression", minimal(`license = "Apache 2"`), /\[project\] license "Apache 2" is not a valid SPDX license expression/],
    ["license file missing", minimal(`license = "MIT"\nlicense-files = ["LICENSE"]`), /\[project\] license-files pattern "LICENSE" matches no file/],
    ["license-files escape", minimal(`license-files = ["../LICENSE"]`), /must be relative to the project root/],
    ["author email", minimal(`authors = [{ email = "nope" }]`), /\[project\] authors\[0\]\.email "nope" is not a valid email address/],
    ["dependency", minimal(`dependencies = ["requests >="]`), /\[project\] dependencies\[0\]: "requests >=" is not a valid PEP 508 requirement/],
    ["extras collide", minimal(`[project.optional-dependencies]\nA_b = []\na-B = []`), /are the same extra once normalized \("a-b"\)/],
    ["url", minimal(`[project.urls]\nHome = "ftp://x"`), /\[project\] urls\.Home "ftp:\/\/x" is not a valid http\(s\) URL/],
    ["script reference", minimal(`[project.scripts]\nx = "nocolon"`), /must be an object reference/],
    ["reserved entry point group", minimal(`[project.entry-points.console_scripts]\nx = "a:b"`), /use \[project\.scripts\] instead/],
  ])("%s", (_, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it.each(TOOL_CASES)("%s", (_, tool, message) => {
    expect(errorOf(minimal("", tool), { "demo/__init__.py": "" })).toMatch(message);
  });
});

describe("readOptions", () => {
  it("takes -C settings before BINWHEEL_* variables", () => {
    expect(readOptions({ target: "aarch64-apple-darwin" }, { BINWHEEL_TARGET: "x86_64-pc-windows-msvc" })).toEqual({
      target: "aarch64-apple-darwin",
      offline: false,
      locked: false,
      verbose: false,
    });
    expect(readOptions(null, { BINWHEEL_TARGET: "x86_64-pc-windows-msvc", BINWHEEL_UPSTREAM_VERSION: "0.3.1", BINWHEEL_VERBOSE: "1", BINWHEEL_OFFLINE: "1", BINWHEEL_LOCKED: "1" })).toEqual({
      target: "x86_64-pc-windows-msvc",
      upstreamVersion: "0.3.1",
      offline: true,
      locked: true,
      verbose: true,
    });
    expect(readOptions({ verbose: "", offline: "false", locked: "true", "upstream-version": ["0.1", "0.2"] }, { BINWHEEL_OFFLINE: "1" })).toEqual({ upstreamVersion: "0.2", offline: false, locked: true, verbose: true });
  });

  it("rejects a non-boolean verbose", () => {
    expect(() => readOptions({ verbose: "maybe" }, {})).toThrow(/-C verbose=maybe is not a boolean/);
  });
});
