// What auditwheel would tag ELF files, worked out apart from binwheel's code: readelf (binutils)
// reads the files, and auditwheel's own JSON (test/data/auditwheel/) decides, by auditwheel's rules
// (policy/versioned_symbols.py: a version "PREFIX_rest" must be listed under PREFIX when the policy
// knows PREFIX; wheel_abi.py: every library loaded from the system must be whitelisted; the most
// compatible policy that allows everything wins; ld-linux and ld64.so are skipped).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** One policy as auditwheel's JSON writes it. */
export interface AuditwheelPolicy {
  name: string;
  aliases: string[];
  priority: number;
  symbol_versions: Record<string, Record<string, string[]>>;
  lib_whitelist: string[];
}

/** auditwheel's policies of one family ("manylinux", "musllinux"), as vendored in test/data/auditwheel/. */
export const auditwheelPolicies = (family: "manylinux" | "musllinux") =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, `../data/auditwheel/${family}-policy.json`), "utf8")) as AuditwheelPolicy[];
const LOADER = /^ld-linux|^ld64\.so\.[12]$/;

/** The manylinux tags auditwheel gives `files` on `arch` (libraries in `bundled` count as the wheel's own). */
export function auditwheelTags(files: string[], arch: string, bundled: string[] = []): string[] {
  const required = new Map<string, Set<string>>();
  const libraries = new Set<string>();
  for (const file of files) {
    const [dynamic, versions = ""] = execFileSync("readelf", ["-d", "-V", "-W", file], { encoding: "utf8", maxBuffer: 1 << 28 }).split("Version needs section");
    for (const m of dynamic!.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) if (!LOADER.test(m[1]!) && !bundled.includes(m[1]!)) libraries.add(m[1]!);
    // Only the needs section counts (libc.so.6 also *defines* GLIBC_ versions); it comes last.
    const needs = versions;
    let from = "";
    for (const line of needs.split("\n")) {
      from = /File: (\S+)/.exec(line)?.[1] ?? from;
      const version = /Name: (\S+)/.exec(line)?.[1];
      if (!version || LOADER.test(from)) continue;
      const prefix = version.split("_")[0]!;
      required.set(prefix, (required.get(prefix) ?? new Set()).add(version));
    }
  }
  const policies = auditwheelPolicies("manylinux").filter((p) => p.name !== "linux" && arch in p.symbol_versions);
  const satisfied = policies.filter((p) => {
    const allowed = p.symbol_versions[arch]!;
    const symbolsOk = [...required].every(([prefix, versions]) => !(prefix in allowed) || [...versions].every((v) => allowed[prefix]!.map((a) => `${prefix}_${a}`).includes(v)));
    return symbolsOk && [...libraries].every((l) => p.lib_whitelist.includes(l));
  });
  if (!satisfied.length) throw new Error(`auditwheel would give ${files.join(", ")} no manylinux tag`);
  const best = satisfied.reduce((a, b) => (b.priority > a.priority ? b : a));
  return [best.name, ...best.aliases].map((n) => `${n}_${arch}`).sort();
}

/** The policies' versions for `prefix` on `arch` that each policy adds to the one before: [policy, first new version]. */
export function policyBoundaries(arch: string, prefix: string): { policy: string; tags: string[]; version: string; previous?: string }[] {
  const policies = auditwheelPolicies("manylinux").filter((p) => p.name !== "linux" && arch in p.symbol_versions);
  const result: { policy: string; tags: string[]; version: string; previous?: string }[] = [];
  let before: string[] = [];
  policies.forEach((p, i) => {
    const versions = p.symbol_versions[arch]![prefix] ?? [];
    const added = versions.filter((v) => !before.includes(v));
    if (added.length) {
      result.push({
        policy: p.name,
        tags: [p.name, ...p.aliases].map((n) => `${n}_${arch}`).sort(),
        version: `${prefix}_${added[added.length - 1]}`,
        ...(i > 0 && { previous: `${policies[i - 1]!.name}_${arch}` }),
      });
    }
    before = versions;
  });
  return result;
}
