// What one asset holds, read through the archive readers and the hostile-archive guard without
// extracting anything (each file's first bytes say whether it is a binary), turned into include
// rules and commands: the executables and what they need beside them, never the docs.
import { statSync } from "node:fs";
import path from "node:path";
import { ArchiveGuard } from "../archive/guard.js";
import type { ArchiveEntry } from "../archive/entries.js";
import { checkMagic, formatFromName } from "../archive/format.js";
import { readArchive } from "../archive/read.js";
import { fail } from "../errors.js";
import { binaryFormat } from "../inspect/magic.js";
import { isReservedCommand, isValidCommandName } from "../python/names.js";

export interface InitRule {
  from: string;
  to: string;
  as?: string;
}

export interface Layout {
  rules: InitRule[];
  /** Commands, each named after the executable it runs (without ".exe"). */
  commands: string[];
  /** What was found and left out, in words, for the report. */
  found: string[];
}

interface Seen {
  path: string;
  type: ArchiveEntry["type"];
  mode: number;
  binary: boolean;
}

/** Files upstreams ship for people, not for the program: licenses, readmes, man pages, headers. */
const DOC_FILE = /^(licen[cs]e|copying|notice|authors|readme|changelog|changes|history|security|contributing|third[-_]?party)|\.(md|rst|txt|html?|pdf)$/i;
const DOC_DIRS = ["include", "man", "doc", "docs", "share/man", "share/doc", "completions", "completion", "autocomplete", "contrib"];
const LIBRARY = /\.(so(\.\d+)*|dylib|dll)$/i;

/** Reads `file` (the asset `name`, verified by the caller) and derives the rules that take its program into `to`. */
export async function layoutOf(file: string, name: string, to: string, command: string): Promise<Layout> {
  const format = formatFromName(name);
  await checkMagic(file, name, format);
  const guard = new ArchiveGuard(name, statSync(file).size);
  const seen: Seen[] = [];
  await readArchive(file, format, name, async (entry) => {
    if (entry.path === "") return;
    guard.check(entry);
    let binary = false;
    if (entry.type === "file") {
      // The first bytes are enough to know a binary; the rest streams past unread.
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of entry.open()) {
        chunks.push(Buffer.from(chunk.subarray(0, 4096 - length)));
        length += chunks[chunks.length - 1]!.length;
        if (length >= 4096) break;
      }
      binary = binaryFormat(Buffer.concat(chunks)) !== undefined;
    }
    seen.push({ path: entry.path, type: entry.type, mode: entry.mode, binary });
  }, (bytes) => guard.count(bytes));

  if (format.container === "file") {
    // A bare executable: one member, named like the asset; it becomes the command's name.
    return { rules: [{ from: "*", to, as: `${command}{exe}` }], commands: [command], found: [`a bare executable (${name}), renamed ${command}`] };
  }
  // One common top folder is dropped, as the include rules drop it.
  const files = seen.filter((e) => e.type === "file" || e.type === "symlink");
  const tops = new Set(seen.map((e) => e.path.split("/")[0]!));
  const top = tops.size === 1 && files.every((e) => e.path.includes("/")) ? `${[...tops][0]}/` : "";
  const inner = files.map((e) => ({ ...e, path: e.path.slice(top.length) }));
  const isDoc = (p: string) => DOC_DIRS.some((d) => p.startsWith(`${d}/`)) || (!p.includes("/") && DOC_FILE.test(p));
  const kept = inner.filter((e) => !isDoc(e.path));
  const executables = kept.filter((e) => e.binary && !LIBRARY.test(e.path) && !e.path.includes(".framework/") && !/\.(o|a|lib)$/i.test(e.path));
  if (executables.length === 0) {
    fail(
      `${name} holds no executable (no ELF, Mach-O or PE file among ${inner.length} files: ${inner.slice(0, 20).map((e) => e.path).join(", ")}${inner.length > 20 ? ", ..." : ""}), ` +
        "so binwheel init cannot tell what to package. Write [[tool.binwheel.include]] by hand.",
    );
  }
  const base = (p: string) => path.posix.basename(p).replace(/\.exe$/i, "");
  const folders = new Set(executables.map((e) => path.posix.dirname(e.path)));
  const others = kept.filter((e) => !executables.includes(e));
  const left = inner.length - kept.length;
  const found = [
    `${executables.length} executable${executables.length === 1 ? "" : "s"} (${executables.map((e) => e.path).join(", ")})`,
    ...(others.length ? [`${others.length} other file${others.length === 1 ? "" : "s"} the program${executables.length === 1 ? "" : "s"} may need (${summary(others.map((e) => e.path))})`] : []),
    ...(left ? [`${left} documentation file${left === 1 ? "" : "s"} left out (${summary(inner.filter((e) => isDoc(e.path)).map((e) => e.path))})`] : []),
  ];
  const commands = executables.map((e) => base(e.path)).filter((c) => isValidCommandName(c) && !isReservedCommand(c));
  if (others.length === 0 && folders.size === 1) {
    // Only executables, in one folder: each into `to`, named alike on every OS; a folder's may sit
    // elsewhere in another target's archive (Node: bin/node, but node.exe on Windows).
    const rules = executables.map((e): InitRule => (e.path.includes("/") ? { from: `**/${base(e.path)}{exe}`, to, as: `${base(e.path)}{exe}` } : { from: `${base(e.path)}{exe}`, to }));
    return { rules, commands, found };
  }
  // Executables with libraries or data: the layout is kept (a program finds ../lib, ../share
  // relative to itself), each top-level folder as it is, root files by name.
  const rules: InitRule[] = [];
  for (const folder of [...new Set(kept.filter((e) => e.path.includes("/")).map((e) => e.path.split("/")[0]!))].sort()) rules.push({ from: `${folder}/**`, to: `${to}/${folder}` });
  for (const e of kept.filter((x) => !x.path.includes("/"))) {
    if (executables.includes(e)) rules.push({ from: `${base(e.path)}{exe}`, to });
    // A library's name differs per OS (libfoo.so, libfoo.dylib, foo.dll): matched by its stem.
    else if (LIBRARY.test(e.path)) rules.push({ from: `*${e.path.replace(/^lib/, "").replace(LIBRARY, "")}*`, to });
    else rules.push({ from: e.path, to });
  }
  return { rules: dedupe(rules), commands, found };
}

function dedupe(rules: InitRule[]): InitRule[] {
  return rules.filter((r, i) => rules.findIndex((o) => o.from === r.from && o.to === r.to) === i);
}

function summary(paths: string[]): string {
  return paths.length > 6 ? `${paths.slice(0, 6).join(", ")}, ...` : paths.join(", ");
}
