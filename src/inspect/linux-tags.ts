// Linux platform tags by auditwheel's policies (platform/linux-policies.ts). Every symbol version
// the wheel's ELF files need (GLIBC_ from libc, GLIBCXX_ and CXXABI_ from libstdc++, GCC_ from
// libgcc_s...) and, for builds, every library they load from the system must be allowed by the
// policy a tag names. "auto" takes the most compatible policy that allows them all, as auditwheel
// does, with its legacy alias; explicit tags are checked against the same needs.
import { fail } from "../errors.js";
import { LINUX_POLICIES, POLICY_SOURCE, linuxPolicies, policyTags, type LinuxFamily, type LinuxPolicy } from "../platform/linux-policies.js";
import type { TargetInfo } from "../platform/triples.js";
import { systemLibraries, type ElfFile } from "./elf-libraries.js";
import { newer, show, type Version } from "./versions.js";

export interface LinuxTagOptions {
  /** AUDITWHEEL_PLAT: in a manylinux container, the newest policy the wheel may claim. */
  auditwheelPlat?: string;
  /** Every DT_NEEDED library must be bundled or on the policy's whitelist (builds; `binwheel check` leaves it out). */
  requireBundled?: boolean;
}

/**
 * Dynamically linked musl binaries: musl has no symbol versions, so nothing in the binary shows it
 * runs on musl 1.1. auditwheel tags them by the build image's musl, and every maintained
 * musllinux image has musl 1.2.
 */
const DYNAMIC_MUSL = "musllinux_1_2";

/** Libraries no policy needs to list: the dynamic loader itself (auditwheel skips it, and libpython). */
const LOADER = /^(ld-linux|ld64\.so\.[12]$|ld-musl-)/;
const LIBPYTHON = /^libpython\d+\.\d+m?\.so(\.\d+)*$/;

/** What one file needs from the system, and which policies allow it. */
interface Need {
  path: string;
  /** "GLIBCXX_3.4.19 (from libstdc++.so.6)", "libexpat.so.1". */
  what: string;
  allowedBy(policy: LinuxPolicy, arch: string): boolean;
  /** A GLIBC_x.y version: every glibc from x.y on has it, also past the newest policy. */
  glibc?: Version;
}

/** auditwheel's rule: a version "PREFIX_rest" is allowed when the policy does not know PREFIX, or lists rest under it. */
function versionNeed(path: string, file: string, version: string): Need {
  const cut = version.indexOf("_");
  const prefix = cut < 0 ? version : version.slice(0, cut);
  const m = /^GLIBC_(\d+)\.(\d+)(\.\d+)?$/.exec(version);
  return {
    path,
    what: `${version} (from ${file})`,
    allowedBy: (p, arch) => {
      const known = p.symbolVersions.get(arch)?.get(prefix);
      return !known || (cut >= 0 && known.has(version.slice(cut + 1)));
    },
    ...(m && { glibc: [Number(m[1]), Number(m[2])] as Version }),
  };
}

function versionNeeds(files: ElfFile[]): Need[] {
  return files.flatMap((f) =>
    f.info.versionNeeds.filter((n) => !LOADER.test(n.file)).flatMap((n) => n.versions.map((v) => versionNeed(f.path, n.file, v))),
  );
}

/**
 * The libraries the files load from the system, as needs; one no policy of `family` lists is an
 * error here, naming the file, the library and the way out.
 */
function libraryNeeds(files: ElfFile[], family: LinuxFamily, arch: string): Need[] {
  const policies = linuxPolicies(family, arch);
  const needs: Need[] = [];
  for (const { path, library, searched } of systemLibraries(files)) {
    if (LOADER.test(library) || LIBPYTHON.test(library)) continue;
    // Alpine's musl is libc.musl-<arch>.so.1 to the linker; it is the same libc.so.
    const name = family === "musllinux" && /^libc\.musl-/.test(library) ? "libc.so" : library;
    if (!policies.some((p) => p.libraries.has(name))) {
      const where = searched.length
        ? `the wheel has no ${library} where ${path} looks for it (${searched.join(", ")})`
        : `${path} has no RPATH or RUNPATH into the wheel ($ORIGIN/...), so it looks for ${library} only in the system's folders`;
      const fix = searched.length
        ? `Bundle it: add an include rule that copies ${library} from the asset into ${searched[0]}/, or use an upstream build that links it statically`
        : "Use an upstream build that links it statically (or one whose RUNPATH starts with $ORIGIN, with the library bundled where it points)";
      fail(`${path} needs ${library}, which is not one of the system libraries a ${family} wheel may load (${POLICY_SOURCE}), and ${where}. ${fix}.`);
    }
    needs.push({ path, what: library, allowedBy: (p) => p.libraries.has(name) });
  }
  return needs;
}

/** The most compatible policy allowing every need, and the need that keeps the one before it out. */
function bestPolicy(policies: LinuxPolicy[], needs: Need[], arch: string): { policy?: LinuxPolicy; reason?: Need } {
  const i = policies.findIndex((p) => needs.every((n) => n.allowedBy(p, arch)));
  if (i < 0) return {};
  return { policy: policies[i]!, ...(i > 0 && { reason: needs.find((n) => !n.allowedBy(policies[i - 1]!, arch))! }) };
}

const because = (reason: Need | undefined, policy: LinuxPolicy) =>
  reason ? `${reason.path} needs ${reason.what}, which auditwheel's policies allow from ${policy.name} on` : `its binaries need ${policy.name}, the oldest policy for this architecture`;

/** The tags binwheel derives for `files` ("auto"). */
function derivedTags(target: TargetInfo, files: ElfFile[], options: LinuxTagOptions): string[] {
  const arch = target.tagArch;
  const glibc = files.some((f) => f.info.libc === "glibc");
  const musl = files.some((f) => f.info.libc === "musl");
  if (!glibc && !musl) {
    // Only static binaries: they need no C library at all, so the oldest policy of each family.
    const lowest = [linuxPolicies("manylinux", arch)[0], linuxPolicies("musllinux", arch)[0]].filter((p) => p !== undefined);
    return lowest.flatMap((p) => policyTags(p, arch)).sort();
  }
  const family: LinuxFamily = glibc ? "manylinux" : "musllinux";
  const needs = [...versionNeeds(files), ...(options.requireBundled ? libraryNeeds(files, family, arch) : [])];
  const policies = family === "manylinux" ? linuxPolicies(family, arch) : linuxPolicies(family, arch).filter((p) => p.name === DYNAMIC_MUSL);
  if (!policies.length) fail(`${POLICY_SOURCE} has no ${family} policy for ${arch}, so binwheel cannot tag ${files[0]!.path}; set the tags yourself in [tool.binwheel.targets].`);
  const { policy, reason } = bestPolicy(policies, needs, arch);
  if (!policy) refuseUnallowed(target, needs, policies);
  const cap = options.auditwheelPlat ? parseLinuxTag(options.auditwheelPlat) : undefined;
  if (family === "manylinux" && cap?.family === family && cap.arch === arch && newer(policy.version, cap.version)) {
    fail(
      `${because(reason, policy)}, newer than AUDITWHEEL_PLAT=${options.auditwheelPlat} allows. ` +
        `Build in a newer manylinux image (${policy.name} or later), or use an upstream build that targets an older glibc.`,
    );
  }
  return policyTags(policy, arch);
}

/** No policy allows every need: say which need, and what to do. */
function refuseUnallowed(target: TargetInfo, needs: Need[], policies: LinuxPolicy[]): never {
  const arch = target.tagArch;
  const newest = policies[policies.length - 1]!;
  const out = needs.filter((n) => !n.allowedBy(newest, arch));
  const beyond = out.filter((n) => n.glibc && newer(n.glibc, newest.version));
  if (beyond.length === out.length) {
    const top = beyond.reduce((a, b) => (newer(b.glibc!, a.glibc!) ? b : a));
    fail(
      `${top.path} needs ${top.what}, newer than the newest manylinux policy binwheel knows (${newest.name}, ${POLICY_SOURCE}). ` +
        `If that is right, set the tag yourself: [tool.binwheel.targets] "${target.triple}" = "manylinux_${top.glibc![0]}_${top.glibc![1]}_${arch}".`,
    );
  }
  const bad = out.find((n) => n.what.startsWith("GLIBC_PRIVATE ")) ?? out.find((n) => !beyond.includes(n))!;
  if (bad.what.startsWith("GLIBC_PRIVATE ")) fail(`${bad.path} uses GLIBC_PRIVATE symbols, which no manylinux policy allows; it cannot go into a portable wheel.`);
  fail(`${bad.path} needs ${bad.what}, which no ${newest.family} policy for ${arch} allows (${POLICY_SOURCE}, up to ${newest.name}), so it cannot go into a portable wheel. Use an upstream build made with an older toolchain.`);
}

/** What a Linux platform tag claims: its family, the libc version it promises (0.0 for linux_*), its architecture. */
export interface Claim {
  family: LinuxFamily | "linux";
  version: Version;
  arch: string;
}

/** A Linux platform tag: manylinux_x_y / musllinux_x_y, a legacy alias (as the table names them), or linux_<arch>. */
export function parseLinuxTag(tag: string): Claim | undefined {
  const modern = /^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (modern) return { family: modern[1] as LinuxFamily, version: [Number(modern[2]), Number(modern[3])], arch: modern[4]! };
  for (const p of LINUX_POLICIES) {
    const alias = p.aliases.find((a) => tag.startsWith(`${a}_`));
    if (alias) return { family: p.family, version: p.version, arch: tag.slice(alias.length + 1) };
  }
  const plain = /^linux_(.+)$/.exec(tag);
  return plain ? { family: "linux", version: [0, 0], arch: plain[1]! } : undefined;
}

/** Whether a system with the claimed libc (and its policy's libraries) satisfies `need`. */
function claimAllows(claim: Claim, need: Need, policies: LinuxPolicy[], arch: string): boolean {
  // PEP 600: manylinux_x_y promises glibc x.y, whether or not auditwheel has a policy for it.
  if (need.glibc) return !newer(need.glibc, claim.version);
  return policies.some((p) => !newer(p.version, claim.version) && need.allowedBy(p, arch));
}

/** Explicit tags, checked against what the files need; an error suggests the string to write. */
function checkedTags(target: TargetInfo, setting: string[], files: ElfFile[], options: LinuxTagOptions): string[] {
  const arch = target.tagArch;
  const written = `[tool.binwheel.targets] ${target.triple} = "${setting.join(".")}"`;
  const suggestion = () => {
    try {
      return ` Use "auto" or "${derivedTags(target, files, options).join(".")}".`;
    } catch {
      return ' Use "auto" to see what they need.';
    }
  };
  const glibcFile = files.find((f) => f.info.libc === "glibc");
  const muslFile = files.find((f) => f.info.libc === "musl");
  for (const tag of setting) {
    const claim = parseLinuxTag(tag);
    if (!claim || claim.arch !== arch) fail(`[tool.binwheel.targets] ${target.triple}: the tag "${tag}" is not a Linux tag for ${arch}.`);
    const legacy = LINUX_POLICIES.find((p) => p.aliases.some((a) => tag === `${a}_${arch}`));
    if (legacy && !legacy.symbolVersions.has(arch)) {
      fail(`${written}: ${tag} does not exist: ${legacy.aliases.join(", ")} (${legacy.name}) is defined for ${[...legacy.symbolVersions.keys()].join(", ")} only. Use the PEP 600 name, or "auto".`);
    }
    if (claim.family === "linux") continue;
    if (claim.family === "manylinux" && muslFile) fail(`[tool.binwheel.targets] ${target.triple}: "${tag}" promises glibc, but ${muslFile.path} is linked against musl.`);
    if (claim.family === "musllinux" && glibcFile) fail(`[tool.binwheel.targets] ${target.triple}: "${tag}" promises musl, but ${glibcFile.path} is linked against glibc.`);
    const dynamic = files.filter((f) => f.info.libc !== "static");
    if (!dynamic.length) continue;
    const policies = linuxPolicies(claim.family, arch);
    const needs = [...versionNeeds(dynamic), ...(options.requireBundled ? libraryNeeds(dynamic, claim.family, arch) : [])];
    const bad = needs.find((n) => !claimAllows(claim, n, policies, arch));
    if (bad) {
      const first = policies.find((p) => bad.allowedBy(p, arch));
      const libc = claim.family === "manylinux" ? "glibc" : "musl";
      fail(
        `${written}: ${tag} claims ${libc} ${show(claim.version)}, but ${bad.path} needs ${bad.what}, ` +
          `${first ? `which auditwheel's policies allow from ${first.name} on` : `which no ${claim.family} policy for ${arch} allows (${POLICY_SOURCE})`}.${suggestion()}`,
      );
    }
  }
  return setting;
}

/**
 * What `files` need that a Linux tag does not promise (for binwheel check, which judges other
 * people's wheels by the same policies), each with the policy from which it is allowed, if any.
 */
export function unpromisedNeeds(tag: string, files: ElfFile[]): { path: string; what: string; glibc: boolean; from?: string }[] {
  const claim = parseLinuxTag(tag);
  if (!claim || claim.family === "linux") return [];
  const policies = linuxPolicies(claim.family, claim.arch);
  return versionNeeds(files.filter((f) => f.info.libc !== "static"))
    .filter((n) => !claimAllows(claim, n, policies, claim.arch))
    .map((n) => {
      const first = policies.find((p) => n.allowedBy(p, claim.arch));
      return { path: n.path, what: n.what, glibc: n.glibc !== undefined, ...(first && { from: first.name }) };
    });
}

/** The platform tags for a Linux target given its ELF files: derived for "auto", else checked. */
export function linuxTags(target: TargetInfo, setting: "auto" | string[], files: ElfFile[], options: LinuxTagOptions): string[] {
  for (const f of files) {
    if (f.info.libc === "musl" && target.libc === "gnu") fail(`${f.path} is linked against musl, but the target ${target.triple} is a glibc (gnu) target. Use a *-linux-musl target for this asset.`);
    if (f.info.libc === "glibc" && target.libc === "musl") fail(`${f.path} is linked against glibc, but the target ${target.triple} is a musl target. Use a *-linux-gnu target for this asset.`);
  }
  return setting === "auto" ? derivedTags(target, files, options) : checkedTags(target, setting, files, options);
}
