// binwheel's policy table (src/platform/linux-policies.ts) against auditwheel's own JSON files,
// vendored verbatim in test/data/auditwheel/: a new copy of them that the table does not follow fails.
import { describe, expect, it } from "vitest";
import { LINUX_POLICIES, linuxPolicies, policyTags, type LinuxFamily } from "../../src/platform/linux-policies.js";
import { auditwheelPolicies } from "../support/auditwheel-oracle.js";

const sorted = (values: Iterable<string>) => [...values].sort();

/** Both sides in one comparable shape: lists as sorted sets, architectures and prefixes by name. */
function fromAuditwheel(family: LinuxFamily): unknown[] {
  return auditwheelPolicies(family)
    .filter((p) => p.name !== "linux")
    .map((p) => ({
      name: p.name,
      priority: p.priority,
      aliases: p.aliases,
      libraries: sorted(p.lib_whitelist),
      symbolVersions: Object.fromEntries(Object.entries(p.symbol_versions).sort().map(([arch, prefixes]) => [arch, Object.fromEntries(Object.entries(prefixes).sort().map(([k, v]) => [k, sorted(v)]))])),
    }));
}

function fromTable(family: LinuxFamily): unknown[] {
  return LINUX_POLICIES.filter((p) => p.family === family).map((p) => ({
    name: p.name,
    priority: p.priority,
    aliases: p.aliases,
    libraries: sorted(p.libraries),
    symbolVersions: Object.fromEntries([...p.symbolVersions].sort().map(([arch, prefixes]) => [arch, Object.fromEntries([...prefixes].sort().map(([k, v]) => [k, sorted(v)]))])),
  }));
}

describe("the policy table is auditwheel's", () => {
  it.each(["manylinux", "musllinux"] as const)("%s: every policy, priority, alias, whitelisted library and symbol version per architecture", (family) => {
    expect(fromTable(family)).toEqual(fromAuditwheel(family));
  });

  it("keeps auditwheel's order, the most compatible policy first, and names versions from the policy names", () => {
    for (const family of ["manylinux", "musllinux"] as const) {
      const priorities = LINUX_POLICIES.filter((p) => p.family === family).map((p) => p.priority);
      expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    }
    expect(LINUX_POLICIES.find((p) => p.name === "manylinux_2_17")!.version).toEqual([2, 17]);
    expect(linuxPolicies("manylinux", "aarch64")[0]!.name).toBe("manylinux_2_17");
    expect(linuxPolicies("manylinux", "riscv64")[0]!.name).toBe("manylinux_2_31");
    expect(linuxPolicies("manylinux", "loongarch64").map((p) => p.name)).toEqual(["manylinux_2_36", "manylinux_2_37", "manylinux_2_38", "manylinux_2_39", "manylinux_2_40", "manylinux_2_41"]);
    expect(linuxPolicies("musllinux", "riscv64")).toEqual([]);
  });

  it("gives a policy's tags with its legacy alias, sorted as compressed tag sets are", () => {
    const tags = (name: string, arch: string) => policyTags(LINUX_POLICIES.find((p) => p.name === name)!, arch);
    expect(tags("manylinux_2_17", "x86_64")).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(tags("manylinux_2_5", "i686")).toEqual(["manylinux1_i686", "manylinux_2_5_i686"]);
    expect(tags("manylinux_2_28", "aarch64")).toEqual(["manylinux_2_28_aarch64"]);
  });
});
