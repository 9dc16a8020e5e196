// binwheel init's reading of asset names: the platform words of each convention, and whole
// releases named as real projects name them (ripgrep's Rust triples with a mingw build and soft-float
// ARM beside the targets binwheel builds, GoReleaser's own spellings with armv6/armv7 and universal
// macOS builds, Node's download folder with .7z, .msi and headers, uv's cargo-dist layout): which
// asset each target takes, the template and vars that spell them, the archives and checksums.
import { describe, expect, it } from "vitest";
import { shapeOf, versionFromNames } from "../../src/init/assets.js";
import { recognize } from "../../src/init/platforms.js";

describe("the platform words of asset names", () => {
  it.each([
    ["mytool-x86_64-unknown-linux-gnu.tar.xz", "x86_64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"],
    ["mytool-aarch64-unknown-linux-musl.tar.gz", "aarch64-unknown-linux-musl", "aarch64-unknown-linux-musl"],
    ["mytool-armv7-unknown-linux-gnueabihf.tar.gz", "armv7-unknown-linux-gnueabihf", "armv7-unknown-linux-gnueabihf"],
    ["mytool-aarch64-apple-darwin.tar.gz", "aarch64-apple-darwin", "aarch64-apple-darwin"],
    ["mytool-i686-pc-windows-msvc.zip", "i686-pc-windows-msvc", "i686-pc-windows-msvc"],
    ["gh_#####_macOS_arm64.zip", "aarch64-apple-darwin", "macOS_arm64"],
    ["lefthook_#####_Windows_x86_64.exe", "x86_64-pc-windows-msvc", "Windows_x86_64"],
    ["tool_Linux_i386.tar.gz", "i686-unknown-linux-gnu", "Linux_i386"],
    ["tool_#####_windows_386.zip", "i686-pc-windows-msvc", "windows_386"],
    ["tool_Darwin_all.tar.gz", "universal2-apple-darwin", "Darwin_all"],
    ["node-v#######-win-x86.zip", "i686-pc-windows-msvc", "win-x86"],
    ["node-v#######-linux-armv7l.tar.xz", "armv7-unknown-linux-gnueabihf", "linux-armv7l"],
    ["node-v#######-linux-ppc64le.tar.xz", "powerpc64le-unknown-linux-gnu", "linux-ppc64le"],
    ["zig-riscv64-linux-######.tar.xz", "riscv64gc-unknown-linux-gnu", "riscv64-linux"],
    ["hugo_#####_Linux-64bit.tar.gz", "x86_64-unknown-linux-gnu", "Linux-64bit"],
    ["bin/windows/arm64/kubectl.exe", "aarch64-pc-windows-msvc", "windows/arm64"],
    ["tool-osx-x64.tar.gz", "x86_64-apple-darwin", "osx-x64"],
    ["tool-macos.zip", "universal2-apple-darwin", "macos"],
  ])("%s is %s (platform words %s)", (name, triple, span) => {
    const found = recognize(name)!;
    expect(found.triple).toBe(triple);
    expect(name.slice(...found.span)).toBe(span);
  });

  it.each([
    "ripgrep-14.1.1-powerpc64-unknown-linux-gnu.tar.gz",
    "ripgrep-14.1.1-armv7-unknown-linux-musleabi.tar.gz",
    "tool-aarch64-linux-android.tar.gz",
    "tool_FreeBSD_x86_64.tar.gz",
    "tool-x86_64-unknown-netbsd.tar.gz",
    "tool_Linux_mips64le.tar.gz",
    "tool-1.0.0.tar.gz",
    "x86_64.AppImage",
  ])("%s is no target binwheel builds", (name) => {
    expect(recognize(name)).toBeUndefined();
  });

  it("takes no version digit for a word once the version is masked", () => {
    expect(recognize("tool-2.386.0-linux-arm64.tar.gz".replace("2.386.0", "#######"))!.triple).toBe("aarch64-unknown-linux-gnu");
    expect(versionFromNames(["tool-2.386.0-linux-arm64.tar.gz", "tool-2.386.0-darwin-arm64.tar.gz", "checksums.txt"])).toBe("2.386.0");
  });
});

const names = (list: string) => list.trim().split(/\s+/).map((name) => ({ name }));
const byTriple = (shape: ReturnType<typeof shapeOf>) => Object.fromEntries(shape.targets.map((t) => [t.triple, { asset: t.asset, vars: t.vars, ...(t.archive && { archive: t.archive }) }]));

describe("whole releases", () => {
  it("ripgrep 14.1.1: {target}, the msvc build over mingw, no soft-float or big-endian builds, <asset>.sha256", () => {
    const assets = names(`
      ripgrep-14.1.1-aarch64-apple-darwin.tar.gz ripgrep-14.1.1-aarch64-apple-darwin.tar.gz.sha256
      ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz ripgrep-14.1.1-aarch64-unknown-linux-gnu.tar.gz.sha256
      ripgrep-14.1.1-armv7-unknown-linux-gnueabihf.tar.gz ripgrep-14.1.1-armv7-unknown-linux-gnueabihf.tar.gz.sha256
      ripgrep-14.1.1-armv7-unknown-linux-musleabi.tar.gz ripgrep-14.1.1-armv7-unknown-linux-musleabi.tar.gz.sha256
      ripgrep-14.1.1-armv7-unknown-linux-musleabihf.tar.gz ripgrep-14.1.1-armv7-unknown-linux-musleabihf.tar.gz.sha256
      ripgrep-14.1.1-i686-pc-windows-msvc.zip ripgrep-14.1.1-i686-pc-windows-msvc.zip.sha256
      ripgrep-14.1.1-i686-unknown-linux-gnu.tar.gz ripgrep-14.1.1-i686-unknown-linux-gnu.tar.gz.sha256
      ripgrep-14.1.1-powerpc64-unknown-linux-gnu.tar.gz ripgrep-14.1.1-powerpc64-unknown-linux-gnu.tar.gz.sha256
      ripgrep-14.1.1-s390x-unknown-linux-gnu.tar.gz ripgrep-14.1.1-s390x-unknown-linux-gnu.tar.gz.sha256
      ripgrep-14.1.1-x86_64-apple-darwin.tar.gz ripgrep-14.1.1-x86_64-apple-darwin.tar.gz.sha256
      ripgrep-14.1.1-x86_64-pc-windows-gnu.zip ripgrep-14.1.1-x86_64-pc-windows-gnu.zip.sha256
      ripgrep-14.1.1-x86_64-pc-windows-msvc.zip ripgrep-14.1.1-x86_64-pc-windows-msvc.zip.sha256
      ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz ripgrep-14.1.1-x86_64-unknown-linux-musl.tar.gz.sha256
      ripgrep_14.1.1-1_amd64.deb ripgrep_14.1.1-1_amd64.deb.sha256`);
    const shape = shapeOf(assets, "14.1.1");
    expect(shape.template).toBe("ripgrep-{version}-{target}.{archive}");
    expect(shape.checksums).toBe("{asset}.sha256");
    expect(shape.targets.map((t) => t.triple)).toEqual([
      "aarch64-unknown-linux-gnu", "armv7-unknown-linux-gnueabihf", "armv7-unknown-linux-musleabihf", "i686-unknown-linux-gnu", "s390x-unknown-linux-gnu",
      "x86_64-unknown-linux-musl", "aarch64-apple-darwin", "x86_64-apple-darwin", "i686-pc-windows-msvc", "x86_64-pc-windows-msvc",
    ]);
    expect(shape.targets.every((t) => Object.keys(t.vars).length === 0 && t.archive === undefined)).toBe(true);
    expect(shape.skipped).toEqual(expect.arrayContaining([
      { name: "ripgrep-14.1.1-x86_64-pc-windows-gnu.zip", why: "ripgrep-14.1.1-x86_64-pc-windows-msvc.zip serves x86_64-pc-windows-msvc" },
      { name: "ripgrep-14.1.1-powerpc64-unknown-linux-gnu.tar.gz", why: "names no platform binwheel builds wheels for" },
      { name: "ripgrep_14.1.1-1_amd64.deb", why: "an installer or OS package, not an archive" },
    ]));
  });

  it("GoReleaser's defaults with its own replacements: a plat var, armv7 over armv6 and arm, no universal build beside both Macs", () => {
    const assets = names(`
      checksums.txt checksums.txt.pem checksums.txt.sig goreleaser_2.3.2_amd64.deb goreleaser_2.3.2_x86_64.rpm
      goreleaser_Darwin_all.tar.gz goreleaser_Darwin_arm64.tar.gz goreleaser_Darwin_x86_64.tar.gz
      goreleaser_Linux_arm64.tar.gz goreleaser_Linux_armv6.tar.gz goreleaser_Linux_armv7.tar.gz goreleaser_Linux_i386.tar.gz
      goreleaser_Linux_ppc64.tar.gz goreleaser_Linux_riscv64.tar.gz goreleaser_Linux_s390x.tar.gz goreleaser_Linux_x86_64.tar.gz
      goreleaser_Windows_arm64.zip goreleaser_Windows_i386.zip goreleaser_Windows_x86_64.zip goreleaser_Windows_x86_64.zip.sbom.json`);
    const shape = shapeOf(assets, "2.3.2");
    expect(shape.template).toBe("goreleaser_{plat}.{archive}");
    expect(shape.checksums).toBe("checksums.txt");
    expect(byTriple(shape)).toEqual({
      "aarch64-unknown-linux-gnu": { asset: "goreleaser_Linux_arm64.tar.gz", vars: { plat: "Linux_arm64" } },
      "armv7-unknown-linux-gnueabihf": { asset: "goreleaser_Linux_armv7.tar.gz", vars: { plat: "Linux_armv7" } },
      "i686-unknown-linux-gnu": { asset: "goreleaser_Linux_i386.tar.gz", vars: { plat: "Linux_i386" } },
      "riscv64gc-unknown-linux-gnu": { asset: "goreleaser_Linux_riscv64.tar.gz", vars: { plat: "Linux_riscv64" } },
      "s390x-unknown-linux-gnu": { asset: "goreleaser_Linux_s390x.tar.gz", vars: { plat: "Linux_s390x" } },
      "x86_64-unknown-linux-gnu": { asset: "goreleaser_Linux_x86_64.tar.gz", vars: { plat: "Linux_x86_64" } },
      "aarch64-apple-darwin": { asset: "goreleaser_Darwin_arm64.tar.gz", vars: { plat: "Darwin_arm64" } },
      "x86_64-apple-darwin": { asset: "goreleaser_Darwin_x86_64.tar.gz", vars: { plat: "Darwin_x86_64" } },
      "aarch64-pc-windows-msvc": { asset: "goreleaser_Windows_arm64.zip", vars: { plat: "Windows_arm64" } },
      "i686-pc-windows-msvc": { asset: "goreleaser_Windows_i386.zip", vars: { plat: "Windows_i386" } },
      "x86_64-pc-windows-msvc": { asset: "goreleaser_Windows_x86_64.zip", vars: { plat: "Windows_x86_64" } },
    });
  });

  it("a GoReleaser release with Go's own words and only a universal macOS build: {goos}_{goarch}, the universal2 target", () => {
    const shape = shapeOf(names("tool_1.0.0_linux_amd64.tar.gz tool_1.0.0_linux_arm64.tar.gz tool_1.0.0_darwin_all.tar.gz tool_1.0.0_windows_amd64.zip tool_1.0.0_checksums.txt"), "1.0.0");
    expect(shape.template).toBe("tool_{version}_{goos}_{goarch}.{archive}");
    expect(shape.targets.map((t) => t.triple)).toEqual(["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu", "universal2-apple-darwin", "x86_64-pc-windows-msvc"]);
    expect(shape.checksums).toBe("tool_{version}_checksums.txt");
  });

  it("Node's download folder: vars for x64 and win, the default archive of each OS over .tar.xz and .7z, the rest left out", () => {
    const assets = names(`
      SHASUMS256.txt SHASUMS256.txt.asc SHASUMS256.txt.sig node-v20.18.0-aix-ppc64.tar.gz node-v20.18.0-darwin-arm64.tar.gz node-v20.18.0-darwin-arm64.tar.xz
      node-v20.18.0-darwin-x64.tar.gz node-v20.18.0-darwin-x64.tar.xz node-v20.18.0-headers.tar.gz node-v20.18.0-headers.tar.xz
      node-v20.18.0-linux-arm64.tar.gz node-v20.18.0-linux-arm64.tar.xz node-v20.18.0-linux-armv7l.tar.gz node-v20.18.0-linux-armv7l.tar.xz
      node-v20.18.0-linux-ppc64le.tar.gz node-v20.18.0-linux-ppc64le.tar.xz node-v20.18.0-linux-s390x.tar.gz node-v20.18.0-linux-s390x.tar.xz
      node-v20.18.0-linux-x64.tar.gz node-v20.18.0-linux-x64.tar.xz node-v20.18.0-win-arm64.7z node-v20.18.0-win-arm64.zip
      node-v20.18.0-win-x64.7z node-v20.18.0-win-x64.zip node-v20.18.0-win-x86.7z node-v20.18.0-win-x86.zip node-v20.18.0-x64.msi
      node-v20.18.0-x86.msi node-v20.18.0.pkg node-v20.18.0.tar.gz node-v20.18.0.tar.xz`);
    const shape = shapeOf(assets, "20.18.0");
    expect(shape.template).toBe("node-v{version}-{plat}.{archive}");
    expect(shape.checksums).toBe("SHASUMS256.txt");
    expect(shape.targets.map((t) => [t.triple, t.asset])).toEqual([
      ["aarch64-unknown-linux-gnu", "node-v20.18.0-linux-arm64.tar.gz"],
      ["armv7-unknown-linux-gnueabihf", "node-v20.18.0-linux-armv7l.tar.gz"],
      ["powerpc64le-unknown-linux-gnu", "node-v20.18.0-linux-ppc64le.tar.gz"],
      ["s390x-unknown-linux-gnu", "node-v20.18.0-linux-s390x.tar.gz"],
      ["x86_64-unknown-linux-gnu", "node-v20.18.0-linux-x64.tar.gz"],
      ["aarch64-apple-darwin", "node-v20.18.0-darwin-arm64.tar.gz"],
      ["x86_64-apple-darwin", "node-v20.18.0-darwin-x64.tar.gz"],
      ["aarch64-pc-windows-msvc", "node-v20.18.0-win-arm64.zip"],
      ["i686-pc-windows-msvc", "node-v20.18.0-win-x86.zip"],
      ["x86_64-pc-windows-msvc", "node-v20.18.0-win-x64.zip"],
    ]);
    expect(shape.skipped.map((s) => s.name)).toEqual(expect.arrayContaining(["node-v20.18.0-aix-ppc64.tar.gz", "node-v20.18.0-headers.tar.gz", "node-v20.18.0-x64.msi", "node-v20.18.0.pkg", "node-v20.18.0.tar.gz", "node-v20.18.0-win-x64.7z"]));
  });

  it("uv's cargo-dist release: {target}, installers and the manifest left out, per-asset .sha256 over sha256.sum", () => {
    const assets = names(`
      dist-manifest.json sha256.sum source.tar.gz source.tar.gz.sha256 uv-installer.ps1 uv-installer.sh
      uv-aarch64-apple-darwin.tar.gz uv-aarch64-apple-darwin.tar.gz.sha256 uv-aarch64-unknown-linux-gnu.tar.gz uv-aarch64-unknown-linux-gnu.tar.gz.sha256
      uv-aarch64-unknown-linux-musl.tar.gz uv-aarch64-unknown-linux-musl.tar.gz.sha256 uv-x86_64-pc-windows-msvc.zip uv-x86_64-pc-windows-msvc.zip.sha256
      uv-x86_64-unknown-linux-gnu.tar.gz uv-x86_64-unknown-linux-gnu.tar.gz.sha256`);
    const shape = shapeOf(assets, "0.5.0");
    expect(shape.template).toBe("uv-{target}.{archive}");
    expect(shape.checksums).toBe("{asset}.sha256");
    expect(shape.targets).toHaveLength(5);
  });

  it("per-target archive settings when an upstream's kinds are not binwheel's defaults", () => {
    const shape = shapeOf(names("t-linux-amd64.tar.xz t-darwin-arm64.zip t-windows-amd64.zip"), undefined);
    expect(shape.template).toBe("t-{goos}-{goarch}.{archive}");
    expect(byTriple(shape)).toEqual({
      "x86_64-unknown-linux-gnu": { asset: "t-linux-amd64.tar.xz", vars: {}, archive: "tar.xz" },
      "aarch64-apple-darwin": { asset: "t-darwin-arm64.zip", vars: {}, archive: "zip" },
      "x86_64-pc-windows-msvc": { asset: "t-windows-amd64.zip", vars: {} },
    });
  });

  it("refuses a release with no build for Linux, macOS or Windows, naming what it has", () => {
    expect(() => shapeOf(names("tool-1.0.tar.gz tool_FreeBSD_x86_64.tar.gz checksums.txt"), "1.0")).toThrow(
      /none of the 3 assets is named like a build for Linux, macOS or Windows.*\(they are: tool-1\.0\.tar\.gz, tool_FreeBSD_x86_64\.tar\.gz, checksums\.txt\)/,
    );
  });
});
