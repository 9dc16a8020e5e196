// The JSON Schema of [tool.binwheel] (src/config/schema.ts, from the reader's own spec): the
// committed copy is current, it is a valid draft-07 schema whose every example fits, every
// configuration the documentation shows passes it, and every configuration the reader's tests
// refuse fails it too, except the few whose fault only the project shows (a folder that must
// exist, a placeholder only a target's vars can define), listed with that reason.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import toml from "toml";
import { describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { toolSchema } from "../../src/config/schema.js";
import { TOOL, specAt, type KeySpec } from "../../src/config/spec.js";
import { COMMAND_CASES, GORELEASER, RULE_CASES, TARGET_ENTRY_CASES, TARGETS, TOOL_CASES, TOONDB, UPSTREAM_CASES } from "../support/config-cases.js";
import { REPO } from "../support/project.js";
import { tempProject } from "../support/tmp.js";

const schema = toolSchema();
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const errorsOf = (tool: unknown) => (validate(tool) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

/** [tool.binwheel] of a pyproject.toml's text (the package tables are all the schema sees). */
const toolOf = (text: string): unknown => ((toml.parse(text) as { tool?: { binwheel?: unknown } }).tool?.binwheel ?? {});

/** Every ```toml block of the docs: README.md and, once it exists, docs/. */
function docsBlocks(): [string, string][] {
  const files = ["README.md", ...walk("docs").filter((f) => f.endsWith(".md"))];
  return files.flatMap((file) => [...readFileSync(path.join(REPO, file), "utf8").matchAll(/```toml\n([\s\S]*?)```/g)].map((m, i): [string, string] => [`${file} block ${i + 1}`, m[1]!]));
}
function walk(dir: string): string[] {
  const full = path.join(REPO, dir);
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(full).flatMap((name) => (statSync(path.join(full, name)).isDirectory() ? walk(`${dir}/${name}`) : [`${dir}/${name}`]));
}

/** A pin the docs leave for the reader to fill ("<its sha256>") as a well-formed one. */
const filled = (text: string) => text.replace(/"<[^"<>]*sha256[^"<>]*>"/g, `"${"0".repeat(64)}"`);

describe("the [tool.binwheel] JSON Schema", () => {
  it("is current in schemas/partial-binwheel.json (npm run build writes it) and has SchemaStore's id", () => {
    expect(readFileSync(path.join(REPO, "schemas/partial-binwheel.json"), "utf8")).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    expect(schema["$id"]).toBe("https://json.schemastore.org/partial-binwheel.json");
    expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("gives examples that fit their own keys", () => {
    const check = (node: unknown, where: string): void => {
      if (typeof node !== "object" || node === null) return;
      const s = node as Record<string, unknown>;
      for (const example of (s["examples"] as unknown[] | undefined) ?? []) {
        const one = ajv.compile({ ...s, definitions: schema["definitions"], $schema: undefined });
        expect(one(example), `${where}: ${JSON.stringify(example)} ${JSON.stringify(one.errors)}`).toBe(true);
      }
      for (const [key, value] of Object.entries(s)) if (key !== "examples" && key !== "definitions") check(value, `${where}/${key}`);
    };
    check(schema, "#");
  });

  it.each([
    ...docsBlocks().filter(([, text]) => text.includes("[tool.binwheel")),
    ["pyproject.example.toml", readFileSync(path.join(REPO, "pyproject.example.toml"), "utf8")],
    ...readdirSync(path.join(REPO, "examples/recipes")).map((f): [string, string] => [`examples/recipes/${f}`, readFileSync(path.join(REPO, "examples/recipes", f), "utf8")]),
  ])("accepts %s", (_, text) => {
    expect(errorsOf(toolOf(filled(text)))).toEqual([]);
  });

  const PROJECT = '[project]\nname = "demo"\nversion = "1.0"\n[tool.binwheel]\npackages = ["pkg"]\n';
  /** Every configuration the reader's tests refuse, as they build it. */
  const refused: [string, string][] = [
    ...TOOL_CASES.map(([label, tool]): [string, string] => [label, `[project]\nname = "demo"\nversion = "1.0"\n${tool}`]),
    ...TARGET_ENTRY_CASES.map(([entry]): [string, string] => [`target entry ${entry}`, PROJECT + GORELEASER.replace('"x86_64-unknown-linux-gnu" = "auto"', `"x86_64-unknown-linux-gnu" = ${entry}`)]),
    ...RULE_CASES.map(([line]): [string, string] => [`rule with ${line}`, PROJECT + TOONDB.replace('to = "pkg/_bin/{platform}"', `to = "pkg/_bin/{platform}"\n${line}`)]),
    ...COMMAND_CASES.map(([entry]): [string, string] => [`command ${entry}`, PROJECT + TOONDB.replace('toondb-server = { executable = "toondb-server", targets = ["*-linux-*", "*-apple-darwin"] }', `toondb-server = ${entry}`)]),
    ...UPSTREAM_CASES.map(([upstream]): [string, string] => [`upstream ${JSON.stringify(upstream)}`, `${PROJECT}[tool.binwheel.upstream]\n${upstream}\n${TARGETS}`]),
  ];
  /** What only the project (or another key's meaning) shows; the reader refuses these, a schema cannot. */
  const BEYOND_A_SCHEMA: Record<string, string> = {
    "package missing": "whether the package's folder exists is the project's, not the table's",
    'rule with targets = ["*-freebsd-*"]': "whether a glob matches a configured target is glob matching across keys",
  };

  it.each(refused)("refuses %s, as the reader does", (label, text) => {
    const errors = errorsOf(toolOf(text));
    if (label in BEYOND_A_SCHEMA) expect(errors, BEYOND_A_SCHEMA[label]).toEqual([]);
    else expect(errors.length, label).toBeGreaterThan(0);
  });

  it("says where and what: an unknown key, a key another needs, a value not among the choices", () => {
    const errors = (tool: unknown) => (validate(tool) ? [] : validate.errors!.map((e) => ({ at: e.instancePath, keyword: e.keyword, params: e.params })));
    expect(errors({ upstream: { github: "a/b", asset: "x" }, targets: { "x86_64-unknown-linux-gnu": "auto" }, include: [{ from: "*", to: "p/b" }], comands: "direct" }))
      .toEqual([{ at: "", keyword: "additionalProperties", params: { additionalProperty: "comands" } }]);
    expect(errors({ main: "tool" })).toEqual([{ at: "", keyword: "dependencies", params: { property: "main", missingProperty: "scripts", deps: "scripts", depsCount: 1 } }]);
    expect(errors({ commands: "symlink" })).toEqual([{ at: "/commands", keyword: "enum", params: { allowedValues: ["launcher", "direct"] } }]);
  });
});

describe("the reader and the schema agree on every key's type", () => {
  /** A value of another type than `spec` allows. */
  const wrong = (spec: KeySpec): string => (spec.type === "string" || spec.type === "choice" ? "42" : spec.type === "boolean" ? '"yes"' : spec.type === "array" ? '"x"' : "1");
  /** GORELEASER with `top` in [tool.binwheel] and `key = value` in its upstream (in place of its own line, if it has one). */
  const base = (top: string, upstream = "") => {
    const [key] = upstream.split(" = ");
    const own = new RegExp(`^${key} = .*$`, "m");
    const tool = upstream && own.test(GORELEASER) ? GORELEASER.replace(own, upstream.trimEnd()) : GORELEASER.replace("[tool.binwheel.upstream]\n", `[tool.binwheel.upstream]\n${upstream}`);
    return `[project]\nname = "demo"\nversion = "1.0"\n[tool.binwheel]\n${top}${tool}`;
  };
  const keys = [
    ...Object.entries(TOOL.keys).filter(([k]) => !["upstream", "targets", "include"].includes(k)).map(([k, spec]) => ({ where: "[tool.binwheel]", key: k, text: base(`${k} = ${wrong(spec)}\n`, "") })),
    ...Object.entries(specAt("upstream").keys).map(([k, spec]) => ({ where: "[tool.binwheel.upstream]", key: k, text: base("", `${k} = ${wrong(spec)}\n`) })),
  ];

  it.each(keys)("$where $key of the wrong type: the reader names it, the schema refuses it", ({ key, text }) => {
    expect(() => loadProject(tempProject({ "pyproject.toml": text, "pkg/__init__.py": "", "demo/__init__.py": "" }))).toThrow(new RegExp(`${key.replace(/-/g, "\\-")}.* must be|must be .*${key}|needs exactly one source`));
    expect(errorsOf(toolOf(text)).length).toBeGreaterThan(0);
  });
});
