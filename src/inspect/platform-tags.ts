// Wheel platform tags from the bundled binaries, or a check of configured ones against them
// (research/platforms.md §2, §4): manylinux from the highest GLIBC_x.y needed, musllinux for musl,
// both for fully static binaries; macOS from the highest minimum version per architecture;
// Windows from the PE machine type. A binary for another architecture is always an error.
import { fail } from "../errors.js";
import { warn } from "../log.js";
import type { TargetInfo } from "../platform/triples.js";
import type { ElfInfo } from "./elf.js";
import type { BinaryInfo } from "./inspect.js";
import type { MachOInfo } from "./macho.js";

export interface InspectedFile {
  /** How the file is named in messages (its path in the wheel). */
  path: string;
  info: BinaryInfo;
}

export interface TagEnvironment {
  /** MACOSX_DEPLOYMENT_TARGET: raises the macOS tag when higher than the binaries need. */
  macosxDeploymentTarget?: string;
  /** AUDITWHEEL_PLAT: in a manylinux container, the newest policy the wheel may claim. */
  auditwheelPlat?: string;
}

type Version = [number, number];

/** The lowest glibc each architecture's manylinux tags start from. */
const GLIBC_FLOOR: Record<string, number> = { x86_64: 5, i686: 5, riscv64: 31 };
/** Fully static binaries: a modern floor, as zig-pypi and uv do, plus musllinux_1_1. */
const STATIC_GLIBC: Record<string, number> = { riscv64: 31 };
const LEGACY: Record<number, [string, string[]]> = {
  5: ["manylinux1", ["x86_64", "i686"]],
  12: ["manylinux2010", ["x86_64", "i686"]],
  17: ["manylinux2014", ["x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"]],
};
const MACOS_FLOOR: Record<string, Version> = { x86_64: [10, 9], arm64: [11, 0] };

const newer = (a: Version, b: Version) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const show = (v: Version) => `${v[0]}.${v[1]}`;

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

function linuxTags(target: TargetInfo, setting: "auto" | string[], files: { path: string; info: ElfInfo }[], env: TagEnvironment): string[] {
  const arch = target.tagArch;
  for (const f of files) {
    if (f.info.glibcPrivate) fail(`${f.path} uses GLIBC_PRIVATE symbols, which no manylinux policy allows; it cannot go into a portable wheel.`);
    if (f.info.libc === "musl" && target.libc === "gnu") fail(`${f.path} is linked against musl, but the target ${target.triple} is a glibc (gnu) target. Use a *-linux-musl target for this asset.`);
    if (f.info.libc === "glibc" && target.libc === "musl") fail(`${f.path} is linked against glibc, but the target ${target.triple} is a musl target. Use a *-linux-gnu target for this asset.`);
  }
  const glibcFiles = files.filter((f) => f.info.libc === "glibc");
  const muslFiles = files.filter((f) => f.info.libc === "musl");
  // The file that needs the newest glibc, for the tag and for messages.
  let neediest: { path: string; version: Version } | undefined;
  for (const f of glibcFiles) {
    const v = f.info.glibc ?? [2, GLIBC_FLOOR[arch] ?? 17];
    if (!neediest || newer(v, neediest.version)) neediest = { path: f.path, version: v };
  }
  if (neediest && neediest.version[0] !== 2) fail(`${neediest.path} needs glibc ${show(neediest.version)}, which no manylinux tag can express.`);

  if (setting !== "auto") {
    for (const tag of setting) {
      const parsed = parseLinuxTag(tag);
      if (!parsed || parsed.arch !== arch) fail(`[tool.binwheel.targets] ${target.triple}: the tag "${tag}" is not a Linux tag for ${arch}.`);
      if (parsed.family === "manylinux" && muslFiles.length) fail(`[tool.binwheel.targets] ${target.triple}: "${tag}" promises glibc, but ${muslFiles[0]!.path} is linked against musl.`);
      if (parsed.family === "musllinux" && glibcFiles.length) fail(`[tool.binwheel.targets] ${target.triple}: "${tag}" promises musl, but ${glibcFiles[0]!.path} is linked against glibc.`);
      if (parsed.family === "manylinux" && neediest && newer(neediest.version, parsed.version)) {
        fail(`[tool.binwheel.targets] ${target.triple} = "${setting.join(".")}": ${tag} claims glibc ${show(parsed.version)}, but ${neediest.path} needs GLIBC_${show(neediest.version)}. Use "auto" or a manylinux_2_${neediest.version[1]} tag.`);
      }
    }
    return setting;
  }

  const cap = env.auditwheelPlat ? parseLinuxTag(env.auditwheelPlat) : undefined;
  if (cap?.family === "manylinux" && cap.arch === arch && neediest && newer(neediest.version, cap.version)) {
    fail(
      `${neediest.path} needs glibc ${show(neediest.version)}, newer than AUDITWHEEL_PLAT=${env.auditwheelPlat} allows. ` +
        `Build in a newer manylinux image (manylinux_2_${neediest.version[1]} or later), or use an upstream build that targets an older glibc.`,
    );
  }
  if (muslFiles.length) return [`musllinux_1_2_${arch}`];
  if (neediest) return manylinuxTags(Math.max(neediest.version[1], GLIBC_FLOOR[arch] ?? 17), arch);
  // Only static binaries: they run on glibc and musl systems alike.
  return [...manylinuxTags(STATIC_GLIBC[arch] ?? 17, arch), `musllinux_1_1_${arch}`];
}

function manylinuxTags(minor: number, arch: string): string[] {
  const legacy = LEGACY[minor];
  return [`manylinux_2_${minor}_${arch}`, ...(legacy && legacy[1].includes(arch) ? [`${legacy[0]}_${arch}`] : [])];
}

function parseLinuxTag(tag: string): { family: "manylinux" | "musllinux" | "linux"; version: Version; arch: string } | undefined {
  const modern = /^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (modern) return { family: modern[1] as "manylinux" | "musllinux", version: [Number(modern[2]), Number(modern[3])], arch: modern[4]! };
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(tag);
  if (legacy) return { family: "manylinux", version: [2, { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 }[legacy[1] as "manylinux1"]], arch: legacy[2]! };
  const plain = /^linux_(.+)$/.exec(tag);
  return plain ? { family: "linux", version: [0, 0], arch: plain[1]! } : undefined;
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
