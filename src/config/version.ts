// A dynamic [project] version: from a file (a Python module's __version__, or Cargo.toml's
// package version), or from the upstream release. Building from an unpacked sdist takes the
// version its PKG-INFO recorded, so sdist and wheel always agree.
import { existsSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { fail } from "../errors.js";
import { readUtf8 } from "../fs/files.js";
import { checkedVersion } from "./project.js";
import type { UpstreamConfig, VersionSource } from "./tool.js";

export function dynamicVersion(
  root: string,
  source: VersionSource | undefined,
  upstream: UpstreamConfig | undefined,
  /** The upstream version named anywhere: -C upstream-version, [tool.binwheel.upstream] version, binwheel.lock. */
  upstreamVersion: string | undefined,
): string {
  const pkgInfo = path.join(root, "PKG-INFO");
  if (existsSync(pkgInfo)) {
    const recorded = /^Version:[ \t]*(\S+)[ \t]*$/m.exec(readUtf8(pkgInfo, pkgInfo));
    if (recorded) return checkedVersion(recorded[1]!, "PKG-INFO Version");
  }
  if (!source) {
    fail(
      'pyproject.toml: [project] dynamic lists "version", but [tool.binwheel] version does not say where it comes from. ' +
        'Set [tool.binwheel] version = { file = "mypkg/__init__.py" } (its __version__), { file = "Cargo.toml" }, or { upstream = true }.',
    );
  }
  if ("upstream" in source) {
    const version = upstreamVersion;
    if (!upstream || version === undefined) {
      fail(
        "pyproject.toml: [tool.binwheel] version = { upstream = true } takes the project version from the upstream release, " +
          "but no upstream version is given: set [tool.binwheel.upstream] version, lock one (binwheel lock --upstream-version <version>), or pass -C upstream-version=<version>.",
      );
    }
    return checkedVersion(version, "the upstream version");
  }
  const key = `[tool.binwheel] version.file "${source.file}"`;
  const text = readUtf8(path.join(root, source.file), source.file);
  if (/\.toml$/i.test(source.file)) {
    let cargo: { package?: { version?: unknown }; workspace?: { package?: { version?: unknown } } };
    try {
      cargo = toml.parse(text);
    } catch (e) {
      fail(`${source.file} (from ${key}) is not valid TOML: ${(e as Error).message}`);
    }
    const version = cargo.package?.version ?? cargo.workspace?.package?.version;
    if (typeof version !== "string") {
      fail(`${source.file} (from ${key}) has no string [package] version or [workspace.package] version.`);
    }
    return checkedVersion(version, `${source.file} [package] version`);
  }
  const match = /^__version__\s*(?::\s*str\s*)?=\s*(['"])([^'"\n]*)\1/m.exec(text);
  if (!match) fail(`${source.file} (from ${key}) has no line like __version__ = "1.2.3".`);
  return checkedVersion(match[2]!, `${source.file} __version__`);
}
