// Issue 13's configuration: targets as tables (tags, vars, archive), Go's and title-cased
// placeholders, rules and commands limited to some targets, `as`, and the sources' templates,
// read into a plan per target.
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { expand } from "../../src/config/template.js";
import { COMMAND_CASES, GORELEASER, RULE_CASES, TARGET_ENTRY_CASES, TARGETS, TOONDB, UPSTREAM_CASES } from "../support/config-cases.js";
import { tempProject } from "../support/tmp.js";

const PROJECT = `[project]
name = "demo"
version = "1.0"

[tool.binwheel]
packages = ["pkg"]
`;

function load(tool: string) {
  return loadProject(tempProject({ "pyproject.toml": `${PROJECT}${tool}`, "pkg/__init__.py": "" }));
}

function plan(tool: string, target: string) {
  return planTarget(load(tool), { target, offline: false, locked: false, verbose: false }, undefined, {});
}

describe("placeholders", () => {
  it("fills Go's words, their title-cased forms, {exe} and {archive} per target", () => {
    expect(plan(GORELEASER, "x86_64-unknown-linux-gnu")).toMatchObject({ assetName: "tool_1.0_Linux_amd64.tar.gz", checksums: "tool_1.0_checksums.txt" });
    expect(plan(GORELEASER, "aarch64-apple-darwin")).toMatchObject({ assetName: "tool_1.0_Darwin_arm64.tar.gz" });
    const windows = plan(GORELEASER, "x86_64-pc-windows-msvc");
    expect(windows.assetName).toBe("tool_1.0_Windows_amd64.tar.gz");
    expect(windows.include[0]).toMatchObject({ fromGlob: "tool.exe", toDir: "pkg/_bin" });
    expect(windows.placeholders).toMatchObject({ goos: "windows", goarch: "amd64", exe: ".exe", archive: "zip", os: "windows", arch: "x86_64" });
  });

  it("title-cases any placeholder, as GoReleaser's title does", () => {
    expect(expand("{Goos}-{Arch}-{Plat}", { goos: "darwin", arch: "x86_64", plat: "mac" })).toBe("Darwin-X86_64-Mac");
  });

  it("takes each target's vars, and says which target lacks one", () => {
    const node = `
[tool.binwheel.upstream]
url = "https://nodejs.org/dist/v{version}/{asset}"
asset = "node-v{version}-{plat}.{archive}"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = { vars = { plat = "linux-x64" }, archive = "tar.xz" }
"aarch64-apple-darwin" = { vars = { plat = "darwin-arm64" } }
"x86_64-pc-windows-msvc" = { vars = { plat = "win-x64" } }

[[tool.binwheel.include]]
from = "bin/node{exe}"
to = "pkg/_bin"
`;
    expect(plan(node, "x86_64-unknown-linux-gnu")).toMatchObject({ assetName: "node-v1.0-linux-x64.tar.xz", location: "https://nodejs.org/dist/v1.0/node-v1.0-linux-x64.tar.xz" });
    expect(plan(node, "x86_64-pc-windows-msvc")).toMatchObject({ assetName: "node-v1.0-win-x64.zip" });
    expect(() => load(node.replace('"aarch64-apple-darwin" = { vars = { plat = "darwin-arm64" } }', '"aarch64-apple-darwin" = "auto"'))).toThrow(
      /\[tool\.binwheel\.upstream\] asset uses \{plat\}, but \[tool\.binwheel\.targets\] "aarch64-apple-darwin" defines no var "plat"/,
    );
  });

  it.each(TARGET_ENTRY_CASES)("refuses the target entry %s", (entry, message) => {
    expect(() => load(GORELEASER.replace('"x86_64-unknown-linux-gnu" = "auto"', `"x86_64-unknown-linux-gnu" = ${entry}`))).toThrow(message);
  });

  it("takes platform tags as written, legacy aliases (manylinux1, 2010, 2014) included", () => {
    const tags = (entry: string) => load(GORELEASER.replace('"x86_64-unknown-linux-gnu" = "auto"', `"x86_64-unknown-linux-gnu" = ${entry}`)).config.targets[0]!.tags;
    expect(tags('"manylinux_2_17_x86_64.manylinux2014_x86_64"')).toEqual(["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
    expect(tags('{ tags = "manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64" }')).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64", "musllinux_1_1_x86_64"]);
    expect(() => tags('"manylinux2015_x86_64"')).toThrow(/"manylinux2015_x86_64" is not a linux platform tag/);
  });

  it("refuses unknown placeholders, naming them", () => {
    expect(() => load(GORELEASER.replace("{Goos}", "{distro}"))).toThrow(/asset uses the placeholder \{distro\}, which is not available here/);
  });
});

describe("rules and commands that differ per target", () => {
  it("applies a rule only to the targets it names", () => {
    expect(plan(TOONDB, "x86_64-unknown-linux-gnu").include.map((r) => r.fromGlob)).toEqual(["toondb-*", "libtoondb_*"]);
    expect(plan(TOONDB, "x86_64-pc-windows-msvc").include.map((r) => r.fromGlob)).toEqual(["toondb-*", "toondb_*.dll"]);
  });

  it("reads commands as strings (every target) or tables with targets", () => {
    expect(load(TOONDB).config.scripts).toEqual([
      { name: "toondb-bulk", executable: "toondb-bulk", direct: false },
      { name: "toondb-server", executable: "toondb-server", targets: ["*-linux-*", "*-apple-darwin"], direct: false },
    ]);
  });

  it.each(RULE_CASES)("refuses a rule with %s", (line, message) => {
    expect(() => load(TOONDB.replace('to = "pkg/_bin/{platform}"', `to = "pkg/_bin/{platform}"\n${line}`))).toThrow(message);
  });

  it.each(COMMAND_CASES)("refuses the command %s", (entry, message) => {
    expect(() => load(TOONDB.replace('toondb-server = { executable = "toondb-server", targets = ["*-linux-*", "*-apple-darwin"] }', `toondb-server = ${entry}`))).toThrow(message);
  });

  it("renames a bare file with as, per target", () => {
    const jq = `
[tool.binwheel.upstream]
github = "jqlang/jq"
tag = "jq-{version}"
asset = "jq-{os}-{goarch}{exe}"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"
"x86_64-pc-windows-msvc" = "auto"

[[tool.binwheel.include]]
from = "jq-*"
to = "pkg/_bin"
as = "jq{exe}"
`;
    expect(plan(jq, "x86_64-pc-windows-msvc")).toMatchObject({ assetName: "jq-windows-amd64.exe", releaseTag: "jq-1.0", include: [{ asName: "jq.exe" }] });
    expect(plan(jq, "x86_64-unknown-linux-gnu")).toMatchObject({ assetName: "jq-linux-amd64", include: [{ asName: "jq" }] });
  });
});

describe("sources", () => {
  it("names a url source's asset after the URL when no asset template is given", () => {
    const p = plan(`[tool.binwheel.upstream]\nurl = "https://dl.k8s.io/release/v{version}/bin/{goos}/{goarch}/kubectl{exe}"\nchecksums = "{asset}.sha256"\n${TARGETS}`, "x86_64-unknown-linux-gnu");
    expect(p).toMatchObject({ assetName: "kubectl", location: "https://dl.k8s.io/release/v1.0/bin/linux/amd64/kubectl", checksums: "kubectl.sha256" });
  });

  it("fills a path source's template", () => {
    const p = plan(`[tool.binwheel.upstream]\npath = "target/{target}/release"\n${TARGETS}`, "x86_64-unknown-linux-gnu");
    expect(p).toMatchObject({ assetName: "release", location: "target/x86_64-unknown-linux-gnu/release" });
  });

  it.each(UPSTREAM_CASES)("refuses the upstream %j", (upstream, message) => {
    expect(() => load(`[tool.binwheel.upstream]\n${upstream}\n${TARGETS}`)).toThrow(message);
  });

  it("allows plain http to loopback hosts only", () => {
    expect(plan(`[tool.binwheel.upstream]\nurl = "http://127.0.0.1:8080/{asset}"\nasset = "kubectl"\n${TARGETS}`, "x86_64-unknown-linux-gnu").location).toBe("http://127.0.0.1:8080/kubectl");
  });
});
