// Wheel platform tags from the bundled binaries, or a check of configured ones against them
// (research/platforms.md §2, §4): Linux by auditwheel's policies (linux-tags.ts); macOS from the
// highest minimum version per architecture; Windows from the PE machine type. A binary for
// another architecture is always an error.
import { fail } from "../errors.js";
import { warn } from "../log.js";
import type { TargetInfo } from "../platform/triples.js";
import type { ElfInfo } from "./elf.js";
import type { BinaryInfo } from "./inspect.js";
import { linuxTags, type LinuxTagOptions } from "./linux-tags.js";
import { newer, show, type Version } from "./versions.js";
import type { MachOInfo } from "./macho.js";

export interface InspectedFile {
  /** How the file is named in messages (its path in the wheel). */
  path: string;
  info: BinaryInfo;
}

export interface TagEnvironment extends LinuxTagOptions {
  /** MACOSX_DEPLOYMENT_TARGET: raises the macOS tag when higher than the binaries need. */
  macosxDeploymentTarget?: string;
}

const MACOS_FLOOR: Record<string, Version> = { x86_64: [10, 9], arm64: [11, 0] };

/** "an ELF", "a PE": the format with its article, for messages. */
export const article = (format: string) => `${format === "ELF" ? "an" : "a"} ${format}`;

/** Why a binary cannot run on `target` at all (another format or architecture), if it cannot. */
export function cannotRun(target: TargetInfo, info: BinaryInfo): string | undefined {
  if (info.format !== { linux: "ELF", macos: "Mach-O", windows: "PE" }[target.os]) return `is ${article(info.format)} binary, which cannot run on ${target.os}`;
  if (info.format === "ELF" && info.arch !== target.tagArch) return `is ${info.arch} code, but the target ${target.triple} needs ${target.tagArch}`;
  if (info.format === "PE" && info.platform !== target.tagArch) return `is a ${info.platform} binary, but the target ${target.triple} is ${target.tagArch}`;
  return undefined;
}

/** The platform tags for `target` given its binaries: derived for "auto", else checked. */
export function platformTags(target: TargetInfo, setting: "auto" | string[], files: InspectedFile[], env: TagEnvironment): string[] {
  for (const f of files) {
    const why = cannotRun(target, f.info);
    if (why) fail(`${f.path} ${why}, so it does not belong in a ${target.triple} wheel.`);
  }
  if (files.length === 0) {
    if (setting !== "auto") return setting;
    warn(`none of the files included for ${target.triple} is an ELF, Mach-O or PE binary, so the platform tag cannot be checked; using ${target.defaultTags.join(".")}.`);
    return target.defaultTags;
  }
  if (target.os === "linux") return linuxTags(target, setting, files as { path: string; info: ElfInfo }[], env);
  if (target.os === "macos") return macosTags(target, setting, files as { path: string; info: MachOInfo }[], env);
  if (setting !== "auto" && setting.some((t) => t !== target.tagArch)) {
    fail(`[tool.binwheel.targets] ${target.triple} = "${setting.join(".")}" does not match its binaries, which are ${target.tagArch}.`);
  }
  return [target.tagArch];
}

function macosTags(target: TargetInfo, setting: "auto" | string[], files: { path: string; info: MachOInfo }[], env: TagEnvironment): string[] {
  const archs = target.tagArch === "universal2" ? ["x86_64", "arm64"] : [target.tagArch];
  const need = new Map<string, { version: Version; path?: string }>(archs.map((a) => [a, { version: MACOS_FLOOR[a]! }]));
  for (const f of files) {
    const other = f.info.slices.find((s) => s.otherPlatform);
    if (other) fail(`${f.path} is built for ${other.otherPlatform}, not macOS.`);
    for (const arch of archs) {
      const slice = f.info.slices.find((s) => s.arch === arch);
      if (!slice) {
        fail(`${f.path} holds ${f.info.slices.map((s) => s.arch).join(" + ")} code, but the target ${target.triple} needs ${archs.join(" and ")}${archs.length > 1 ? " in every binary (fat Mach-O files)" : ""}.`);
      }
      const current = need.get(arch)!;
      if (slice.minos && newer(slice.minos, current.version)) need.set(arch, { version: slice.minos, path: f.path });
    }
  }
  const deployment = parseMacVersion(env.macosxDeploymentTarget);
  const tagVersion = (arch: string): Version => {
    let v = need.get(arch)!.version;
    if (deployment && newer(deployment, v)) v = deployment;
    return v[0] >= 11 ? [v[0], 0] : v; // pip only knows (major, 0) from macOS 11 on
  };
  if (setting !== "auto") {
    for (const tag of setting) {
      const m = /^macosx_(\d+)_(\d+)_(\w+)$/.exec(tag);
      const tagArchs = m?.[3] === "universal2" ? ["x86_64", "arm64"] : m ? [m[3]!] : [];
      if (!m || tagArchs.some((a) => !archs.includes(a))) fail(`[tool.binwheel.targets] ${target.triple}: the tag "${tag}" is not a macOS tag for ${archs.join(" and ")}.`);
      const claimed: Version = [Number(m[1]), Number(m[2])];
      for (const a of tagArchs) {
        const needed = need.get(a)!;
        if (needed.path && newer(needed.version, claimed)) {
          fail(`[tool.binwheel.targets] ${target.triple} = "${setting.join(".")}": ${tag} claims macOS ${show(claimed)}, but ${needed.path} needs macOS ${show(needed.version)} on ${a}. Use "auto" or a newer tag.`);
        }
      }
    }
    return setting;
  }
  const tag = (v: Version, arch: string) => `macosx_${v[0]}_${v[1]}_${arch}`;
  if (target.tagArch !== "universal2") return [tag(tagVersion(target.tagArch), target.tagArch)];
  const x86 = tagVersion("x86_64");
  return [tag(x86, "x86_64"), tag(tagVersion("arm64"), "arm64"), tag(x86, "universal2")];
}

function parseMacVersion(value: string | undefined): Version | undefined {
  const m = value ? /^(\d+)(?:\.(\d+))?/.exec(value.trim()) : null;
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}
