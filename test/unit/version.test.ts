import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { tempProject } from "../support/tmp.js";

const dynamic = (tool: string) => `[project]\nname = "demo"\ndynamic = ["version"]\n\n[tool.binwheel]\n${tool}\n`;
const upstream = `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "b-{version}-{target}.tar.gz"\n[tool.binwheel.targets]\n"x86_64-unknown-linux-gnu" = "auto"\n[[tool.binwheel.include]]\nfrom = "*"\nto = "demo/bin"\n`;

function versionOf(files: Record<string, string>, upstreamVersion?: string): string {
  return loadProject(tempProject({ "demo/__init__.py": "", ...files }), upstreamVersion).metadata.version;
}

function errorOf(files: Record<string, string>, upstreamVersion?: string): string {
  try {
    versionOf(files, upstreamVersion);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("dynamic version", () => {
  it("reads __version__ from a Python file", () => {
    expect(versionOf({ "pyproject.toml": dynamic('version = { file = "demo/__init__.py" }'), "demo/__init__.py": '"""Doc."""\n__version__ = "1.2.0-rc.1"\n' })).toBe("1.2.0rc1");
    expect(versionOf({ "pyproject.toml": dynamic('version = { file = "demo/v.py" }'), "demo/v.py": "__version__: str = '3'\n" })).toBe("3");
  });

  it("reads [package] version (or the workspace's) from Cargo.toml", () => {
    expect(versionOf({ "pyproject.toml": dynamic('version = { file = "Cargo.toml" }'), "Cargo.toml": '[package]\nname = "x"\nversion = "0.4.1"\n' })).toBe("0.4.1");
    expect(versionOf({ "pyproject.toml": dynamic('version = { file = "Cargo.toml" }'), "Cargo.toml": '[workspace.package]\nversion = "0.5.0"\n' })).toBe("0.5.0");
  });

  it("takes the upstream version, which -C upstream-version overrides", () => {
    const files = { "pyproject.toml": dynamic(`version = { upstream = true }\n${upstream.replace('asset =', 'version = "0.3.2"\nasset =')}`) };
    expect(versionOf(files)).toBe("0.3.2");
    expect(versionOf(files, "0.4.0")).toBe("0.4.0");
  });

  it("takes the version an unpacked sdist recorded in PKG-INFO", () => {
    const files = { "pyproject.toml": dynamic(`version = { upstream = true }\n${upstream}`), "PKG-INFO": "Metadata-Version: 2.4\nName: demo\nVersion: 7.0.1\n" };
    expect(versionOf(files, "9.9.9")).toBe("7.0.1");
  });

  it.each([
    ["no source", { "pyproject.toml": dynamic("") }, /dynamic lists "version", but \[tool\.binwheel\] version does not say where it comes from/],
    ["both static and dynamic", { "pyproject.toml": dynamic('version = { file = "x" }').replace('dynamic = ["version"]', 'version = "1"\ndynamic = ["version"]') }, /is set and also listed in \[project\] dynamic/],
    ["an upstream without a version", { "pyproject.toml": dynamic(`version = { upstream = true }\n${upstream}`) }, /no upstream version is given: set \[tool\.binwheel\.upstream\] version, lock one \(binwheel lock --upstream-version <version>\), or pass -C upstream-version/],
    ["a missing file", { "pyproject.toml": dynamic('version = { file = "nope.py" }') }, /\[tool\.binwheel\.version\] file names "nope\.py", which does not exist/],
    ["a file without __version__", { "pyproject.toml": dynamic('version = { file = "demo/__init__.py" }') }, /has no line like __version__ = "1\.2\.3"/],
    ["a version that is not PEP 440", { "pyproject.toml": dynamic('version = { file = "demo/v.py" }'), "demo/v.py": "__version__ = 'latest'\n" }, /demo\/v\.py __version__ "latest" is not a valid PEP 440 version/],
    ["a Cargo.toml without a version", { "pyproject.toml": dynamic('version = { file = "Cargo.toml" }'), "Cargo.toml": '[package]\nname = "x"\n' }, /has no string \[package\] version/],
    ["both sources", { "pyproject.toml": dynamic('version = { file = "a", upstream = true }') }, /must be \{ file = "<path>" \}/],
    ["another dynamic field", { "pyproject.toml": '[project]\nname = "demo"\nversion = "1"\ndynamic = ["dependencies"]\n' }, /dynamic lists "dependencies", but binwheel computes only the version/],
  ])("explains %s", (_, files, message) => {
    expect(errorOf(files)).toMatch(message);
  });
});
