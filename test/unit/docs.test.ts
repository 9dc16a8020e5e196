// The docs are checked like code: every relative link and #anchor in README.md, CONTRIBUTING.md,
// ARCHITECTURE.md and docs/ leads somewhere; every TOML block parses, and every one that configures
// binwheel loads through the real configuration reader and plans every target it names; JSON blocks
// parse and Python blocks compile. (The recipes are also built end to end: test/e2e/recipes.test.ts.)
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { readOptions } from "../../src/config/settings.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { KNOWN_TRIPLES, targetInfo } from "../../src/platform/triples.js";
import { commandHelp, parseCommand } from "../../backend/args.js";
import { COMMANDS, topHelp } from "../../backend/cli.js";
import { TOOL, type KeySpec } from "../../src/config/spec.js";
import { tempProject } from "../support/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

function markdownFiles(): string[] {
  const found = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith(".md")) found.push(rel);
    }
  };
  walk("docs");
  return found;
}

const FILES = markdownFiles();
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** The text outside fenced code blocks (links and headings there are code, not markup). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "");

/** GitHub's anchors for a file's headings: lowercased, punctuation dropped, spaces to "-", repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = heading!.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Block {
  file: string;
  lang: string;
  body: string;
}

const blocks: Block[] = FILES.flatMap((file) =>
  [...read(file).matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ file, lang: m[1]!, body: m[2]! })),
);


/** A TOML value, inline, as a reader would write it. */
function tomlValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (value && typeof value === "object") {
    const key = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));
    return `{ ${Object.entries(value).map(([k, v]) => `${key(k)} = ${tomlValue(v)}`).join(", ")} }`;
  }
  return String(value);
}

/** What kind of value a key takes, in words. */
function kind(spec: KeySpec): string {
  switch (spec.type) {
    case "string":
      return spec.choices ? Object.keys(spec.choices).map((c) => `\`"${c}"\``).join(" \\| ") : "string";
    case "boolean":
      return spec.only !== undefined ? `\`${spec.only}\`` : "boolean";
    case "array":
      return spec.items.type === "table" ? "array of tables" : `array of ${kind(spec.items)}s`;
    case "table":
      return "table";
    case "map":
      return `table of ${kind(spec.values)}s`;
    case "choice":
      return spec.options.map(kind).join(" or ");
  }
}

/** One row per key of [tool.binwheel] (targets once, for any triple): key, type, default, example, meaning. */
function keyRows(): string[] {
  const rows: string[] = [];
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const walk = (prefix: string, spec: KeySpec) => {
    const example = "default" in spec && spec.default !== undefined ? undefined : spec.examples?.[0];
    let dflt = "default" in spec && spec.default !== undefined ? `\`${tomlValue(spec.default)}\`` : "";
    let description = spec.description;
    if (prefix.startsWith("targets.")) {
      // The spec states a target's settings per OS; one row stands for every triple.
      description = description.replace(/^An? \w+ target's/, "A target's").replace(/the \w+ tags/, "its OS's tags");
      if (prefix.endsWith(".archive")) dflt = `${dflt} (\`"zip"\` on Windows)`;
    }
    rows.push(`| \`${prefix}\` | ${kind(spec)} | ${dflt} | ${example === undefined ? "" : `\`${cell(tomlValue(example))}\``} | ${cell(description)} |`);
    const table = spec.type === "table" ? spec : spec.type === "array" && spec.items.type === "table" ? spec.items : spec.type === "choice" ? spec.options.find((o) => o.type === "table") : spec.type === "map" && spec.values.type === "choice" ? spec.values.options.find((o) => o.type === "table") : undefined;
    if (!table || table.type !== "table") return;
    const at = spec.type === "array" ? `${prefix}[]` : spec.type === "map" ? `${prefix}."<name>"` : prefix;
    if (prefix === "targets") return walk(`targets."<triple>"`, Object.values(table.keys)[0]!);
    for (const [key, sub] of Object.entries(table.keys)) walk(`${at}.${key}`, sub);
  };
  for (const [key, spec] of Object.entries(TOOL.keys)) walk(key, spec);
  return ["| key | takes | default | example | meaning |", "|---|---|---|---|---|", ...rows];
}

describe("the docs", () => {
  it("are organised as tutorial, how-to, reference and explanation, under a short README", () => {
    for (const kind of ["tutorial", "how-to", "reference", "explanation"]) expect(existsSync(path.join(ROOT, "docs", kind)), kind).toBe(true);
    expect(read("README.md").split("\n").length).toBeLessThan(250);
  });

  it("link only to files and anchors that exist", () => {
    const broken: string[] = [];
    for (const file of FILES) {
      for (const [, target] of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(target!)) continue;
        const [ref, anchor] = target!.split("#") as [string, string | undefined];
        const dest = ref === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), ref));
        if (!existsSync(path.join(ROOT, dest))) {
          broken.push(`${file}: ${target} (no ${dest})`);
          continue;
        }
        if (anchor !== undefined && dest.endsWith(".md") && !anchors(read(dest)).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${dest})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("show TOML that parses, and binwheel configurations that load and plan every target", () => {
    const tomlBlocks = blocks.filter((b) => b.lang === "toml");
    expect(tomlBlocks.length).toBeGreaterThan(5);
    for (let { file, body } of tomlBlocks) {
      const where = `${file}: a TOML block starting ${JSON.stringify(body.slice(0, 60))}`;
      // "<its sha256>" stands for a hash the reader looks up: any 64 hex digits load.
      body = body.replace(/"<[^"<>]*sha256[^"<>]*>"/g, `"${"0".repeat(64)}"`);
      let data: Record<string, unknown>;
      try {
        data = toml.parse(body) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`${where} is not TOML: ${(e as Error).message}`);
      }
      const tool = (data["tool"] as Record<string, unknown> | undefined)?.["binwheel"] as Record<string, unknown> | undefined;
      if (!tool) continue;
      // A block without [project] is the [tool.binwheel] part of a project: give it a minimal one,
      // named like the package its include rules fill (the recipes' "mytool_py").
      const filled = (tool["include"] as { to?: string }[] | undefined)?.[0]?.to?.split("/")[0];
      const name = String((data["project"] as { name?: string } | undefined)?.name ?? filled ?? "mytool");
      const text = data["project"] ? body : `[project]\nname = "${name}"\nversion = "1.0.0"\n\n${body}`;
      const packages = (tool["packages"] as string[] | undefined) ?? [name.replace(/-/g, "_")];
      const files: Record<string, string> = { "pyproject.toml": text };
      for (const p of packages) files[`${p}/__init__.py`] = "";
      let project;
      try {
        project = loadProject(tempProject(files));
      } catch (e) {
        throw new Error(`${where} does not load: ${(e as Error).message}`);
      }
      for (const { triple } of project.config.targets) {
        try {
          planTarget(project, readOptions({ target: triple }, {}), undefined, {});
        } catch (e) {
          throw new Error(`${where} does not plan ${triple}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("give each target's placeholders as binwheel fills them", () => {
    const rows = [...read("docs/reference/configuration.md").matchAll(/^\| `([a-z0-9_-]+-[a-z0-9_-]+)` \|(.*)\|$/gm)].map((m) => [m[1]!, ...m[2]!.split("|").map((c) => c.trim())]);
    const expected = KNOWN_TRIPLES.map((triple) => {
      const t = targetInfo(triple)!;
      return [triple, t.os, t.arch, `${t.os}-${t.arch}`, t.goos, t.goarch, t.os === "windows" ? ".exe" : "", t.archive];
    });
    expect(rows).toEqual(expected);
  });

  it("give every command's help as the command prints it (UPDATE_DOCS=1 writes it)", () => {
    const file = "docs/reference/cli.md";
    const page = read(file);
    const heading = "## Every command's help\n";
    const generated = heading + [["binwheel --help", topHelp()], ...COMMANDS.map((c) => [`binwheel ${c.name} --help`, commandHelp(c)])]
      .map(([title, help]) => `\n### \`${title}\`\n\n\`\`\`\n${help!.trimEnd()}\n\`\`\`\n`).join("");
    const current = page.slice(page.indexOf(heading));
    if (process.env["UPDATE_DOCS"] === "1") writeFileSync(path.join(ROOT, file), page.replace(current, generated));
    else expect(current, `${file} (UPDATE_DOCS=1 npx vitest run test/unit/docs.test.ts writes it)`).toBe(generated);
  });

  it("list every [tool.binwheel] key with its type, default and example, from the spec the reader uses (UPDATE_DOCS=1 writes it)", () => {
    const file = "docs/reference/configuration.md";
    const page = read(file);
    const start = page.indexOf("| key | takes | default | example | meaning |");
    const end = page.indexOf("\n\n", start);
    const generated = keyRows().join("\n");
    if (process.env["UPDATE_DOCS"] === "1") writeFileSync(path.join(ROOT, file), page.slice(0, start) + generated + page.slice(end));
    else expect(page.slice(start, end), `${file} (UPDATE_DOCS=1 npx vitest run test/unit/docs.test.ts writes it)`).toBe(generated);
  });

  it("show binwheel command lines that its parser takes, and -C settings it knows", () => {
    const wrong: string[] = [];
    for (const { file, body } of blocks.filter((b) => b.lang === "console")) {
      const lines = body.split("\n");
      lines.forEach((line, i) => {
        // A line the next one shows failing is meant to fail.
        if (!line.startsWith("$ ") || lines[i + 1]?.startsWith("binwheel: error")) return;
        const words = line.slice(2).replace(/\s+#.*$/, "").split(/\s*(?:&&|;)\s*/).flatMap((c) => [c.trim().split(/\s+/)]);
        for (const argv of words) {
          const at = argv.indexOf("binwheel");
          if (argv[at] === "binwheel" && argv[at + 1] !== undefined && !argv[at + 1]!.startsWith("-")) {
            const cmd = COMMANDS.find((c) => c.name === argv[at + 1]);
            if (!cmd) wrong.push(`${file}: ${line} (no command ${argv[at + 1]})`);
            else {
              try {
                parseCommand(cmd, argv.slice(at + 2));
              } catch (e) {
                wrong.push(`${file}: ${line} (${(e as Error).message})`);
              }
            }
          }
          argv.forEach((w, k) => {
            if (w !== "-C") return;
            const [key, value] = argv[k + 1]!.split("=") as [string, string];
            try {
              readOptions({ [key]: value ?? "" }, {});
            } catch (e) {
              wrong.push(`${file}: ${line} (${(e as Error).message})`);
            }
          });
        }
      });
    }
    expect(wrong).toEqual([]);
  });

  it("show JSON that parses and Python that compiles", () => {
    for (const { file, body } of blocks.filter((b) => b.lang === "json")) expect(() => JSON.parse(body), file).not.toThrow();
    for (const { file, body } of blocks.filter((b) => b.lang === "python")) {
      expect(() => execFileSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: body, stdio: ["pipe", "pipe", "pipe"] }), file).not.toThrow();
    }
  });
});
