// x86_64 ELF files made by this machine's gcc and ld, needing exactly the symbol versions a test
// asks for. Each library a fixture needs is first built as a stub shared object (its DT_SONAME is
// the library's name) whose version script defines those versions, one function each; the fixture
// calls one function per version it needs and is linked against the stubs with -nostdlib, so its
// DT_NEEDED and DT_VERNEED entries are the linker's own, and nothing else gets in (no start-up code
// asking glibc for __libc_start_main@GLIBC_2.34).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface CompiledElfSpec {
  /** Library file name -> the versions needed from it ("libstdc++.so.6": ["GLIBCXX_3.4.19"]); a library with [] is needed without versions. */
  needs?: Record<string, string[]>;
  /** "executable" (the default) or "shared"; "static": no loader, no libraries at all. */
  kind?: "executable" | "shared" | "static";
  /** DT_RUNPATH entries ("$ORIGIN/../lib"), or DT_RPATH ones with `rpath`. */
  runpath?: string[];
  rpath?: string[];
  /** PT_INTERP; ld's default for x86_64 glibc otherwise. */
  interpreter?: string;
}

const symbol = (library: string, version: string) => `v_${Buffer.from(`${library}\0${version}`).toString("hex")}`;

/**
 * A stub `library` defining `versions`, plus every version any fixture in `dir` asked of it so far
 * (stubs are shared; a test that needs many versions can ask for them all first).
 */
export function stub(dir: string, library: string, versions: string[]): void {
  const stubs = path.join(dir, "stubs");
  mkdirSync(stubs, { recursive: true });
  const known = path.join(stubs, `${library}.versions`);
  const all = [...new Set([...(existsSync(known) ? readFileSync(known, "utf8").split("\n").filter(Boolean) : []), ...versions])];
  if (existsSync(known) && all.length === readFileSync(known, "utf8").split("\n").filter(Boolean).length) return;
  const source = path.join(stubs, `${library}.c`);
  const script = path.join(stubs, `${library}.map`);
  writeFileSync(source, all.map((v) => `void ${symbol(library, v)}(void) {}\n`).join("") || "void placeholder(void) {}\n");
  // One version node per version; an unversioned library gets none.
  writeFileSync(script, all.map((v) => `${v} { global: ${symbol(library, v)}; };\n`).join(""));
  execFileSync("gcc", ["-shared", "-fPIC", "-nostdlib", `-Wl,-soname,${library}`, ...(all.length ? [`-Wl,--version-script=${script}`] : []), "-o", path.join(stubs, library), source]);
  writeFileSync(known, all.join("\n"));
}

let serial = 0;

/** Compiles and links a fixture in `dir` and returns its bytes. */
export function compiledElf(dir: string, spec: CompiledElfSpec = {}): Buffer {
  const needs = Object.entries(spec.needs ?? {});
  for (const [library, versions] of needs) stub(dir, library, versions);
  const name = `fixture${serial++}`;
  const source = path.join(dir, `${name}.c`);
  const calls = needs.flatMap(([library, versions]) => (versions.length ? versions : [""]).filter(Boolean).map((v) => symbol(library, v)));
  writeFileSync(source, `${calls.map((c) => `void ${c}(void);\n`).join("")}void entry(void) {${calls.map((c) => ` ${c}();`).join("")} for (;;) {} }\n`);
  const kind = spec.kind ?? "executable";
  const out = path.join(dir, name);
  const links = needs.map(([library]) => `-l:${library}`);
  const paths = [
    ...(spec.runpath?.length ? ["-Wl,--enable-new-dtags", `-Wl,-rpath,${spec.runpath.join(":")}`] : []),
    ...(spec.rpath?.length ? ["-Wl,--disable-new-dtags", `-Wl,-rpath,${spec.rpath.join(":")}`] : []),
  ];
  const common = ["-nostdlib", "-fPIC", "-o", out, source, `-L${path.join(dir, "stubs")}`, "-Wl,--no-as-needed", ...links, ...paths];
  if (kind === "shared") execFileSync("gcc", ["-shared", ...common]);
  else if (kind === "static") execFileSync("gcc", ["-static", "-nostdlib", "-e", "entry", "-o", out, source]);
  else execFileSync("gcc", ["-no-pie", "-e", "entry", ...(spec.interpreter ? [`-Wl,--dynamic-linker=${spec.interpreter}`] : []), ...common]);
  return readFileSync(out);
}
