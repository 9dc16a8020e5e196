// The path gate every wheel, sdist and editable path passes (src/fs/artifact-path.ts).
import { describe, expect, it } from "vitest";
import { ArtifactPaths, isReservedInWheel, pathProblem } from "../../src/fs/artifact-path.js";

describe("pathProblem", () => {
  it.each([
    ["pkg/_bin/tool", undefined],
    ["pkg/.keep", undefined],
    ["pkg/café/x", undefined],
    ["", /empty/],
    ["/etc/passwd", /absolute/],
    ["C:/x", /absolute/],
    ["pkg\\x", /holds a "\\"/],
    ["pkg//x", /empty segment/],
    ["pkg/x/", /empty segment/],
    ["./pkg/x", /"\." segment/],
    ["pkg/_bin/../../../../tmp/x/tool", /"\.\." segment/],
    ["pkg/a\u0000b", /control character U\+0000/],
    ["pkg/a\nb", /control character U\+000A/],
    ["pkg/a\u007fb", /control character U\+007F/],
    ["pkg/.git/hooks/post-checkout", /version-control folder/],
    ["pkg/.GIT/config", /version-control folder/],
    ["pkg/.hg/hgrc", /version-control folder/],
    // Python's splitlines breaks lines here: one RECORD row would become two for pip.
    ["pkg/x\u0085pyproject_hooks", /control character U\+0085/],
    ["pkg/x\u2028y", /control character U\+2028/],
    ["pkg/x\u2029y", /control character U\+2029/],
    ["pkg/x\u001ey", /control character U\+001E/],
    // Names that display as other names.
    ["pkg/\u202egnp.exe", /control character U\+202E/],
    // Names Windows makes into other names.
    ["pkg/tool.exe.", /ending in "\."/],
    ["pkg/tool.exe ", /ending in " "/],
    ["pkg/tool.exe::$DATA", /holds a ":"/],
    ["pkg/tool.exe:evil", /holds a ":"/],
  ])("%j", (p, expected) => {
    const problem = pathProblem(p);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe("isReservedInWheel", () => {
  it.each([
    ["demo-1.0.dist-info/entry_points.txt", true],
    ["Demo-1.0.DIST-INFO/RECORD", true],
    ["demo-1.0.data/scripts/x", true],
    ["evil.pth", true],
    ["pkg/evil.pth", false],
    ["pkg/x.dist-info/RECORD", false],
    ["pkg/__init__.py", false],
  ])("%s", (p, reserved) => expect(isReservedInWheel(p)).toBe(reserved));
});

describe("ArtifactPaths", () => {
  it("names both entries of a collision by case, by Unicode normalization and by repetition", () => {
    const paths = new ArtifactPaths("the wheel w.whl");
    paths.add("pkg/_bin/Foo", "entry A");
    expect(() => paths.add("pkg/_bin/foo", "entry B")).toThrow(/entry B and entry A would both go to the wheel w\.whl as "pkg\/_bin\/Foo" and "pkg\/_bin\/foo" \(paths that differ only in case/);
    paths.add("pkg/caf\u00e9", "NFC");
    expect(() => paths.add("pkg/cafe\u0301", "NFD")).toThrow(/NFD and NFC would both go/);
    expect(() => paths.add("pkg/_bin/Foo", "again")).toThrow(/\(the same path\)/);
  });

  it("keeps reserved paths for binwheel's own files", () => {
    const paths = new ArtifactPaths("the wheel w.whl");
    paths.add("demo-1.0.dist-info/METADATA", "binwheel's METADATA", true);
    expect(() => paths.add("demo-1.0.dist-info/entry_points.txt", "an archive entry")).toThrow(/only binwheel writes there/);
    expect(() => paths.add("sitecustomize.pth", "an archive entry")).toThrow(/\.pth file/);
  });

  it("refuses a path that is a file where another needs a folder, both ways", () => {
    const paths = new ArtifactPaths("the wheel w.whl");
    paths.add("pkg/_bin/tool", "entry A");
    expect(() => paths.add("pkg/_bin/tool/sub", "entry B")).toThrow(/entry B would go to "pkg\/_bin\/tool\/sub" .* but entry A needs "pkg\/_bin\/tool", and one path cannot be both a file and a folder/);
    paths.add("pkg/lib/x/y", "entry C");
    expect(() => paths.add("pkg/LIB/x", "entry D")).toThrow(/entry D would go to "pkg\/LIB\/x" .* but entry C needs "pkg\/lib\/x\/y"/);
  });

  it("refuses Windows device names in a wheel for Windows only", () => {
    new ArtifactPaths("the wheel w-linux.whl").add("pkg/aux.py", "x");
    for (const name of ["CON", "aux.dll", "nul.txt", "COM1", "lpt9.log"]) {
      expect(() => new ArtifactPaths("the wheel w-win.whl", true).add(`pkg/_bin/${name}`, "x")).toThrow(/uses a name Windows reserves for a device/);
    }
    new ArtifactPaths("the wheel w-win.whl", true).add("pkg/_bin/console.exe", "x");
  });

  it("escapes control characters in what it prints", () => {
    const paths = new ArtifactPaths("the wheel w.whl");
    expect(() => paths.add("pkg/a\nINFO: forged", "x")).toThrow(/"pkg\/a\\u000aINFO: forged"/);
  });
});
