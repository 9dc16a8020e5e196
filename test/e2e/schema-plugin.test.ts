// binwheel's [tool.binwheel] schema as validate-pyproject loads it: the installed binwheel wheel's
// `validate_pyproject.tool_schema` entry point, called as validate-pyproject calls plugins, its
// schema compiled by fastjsonschema (validate-pyproject's own engine; validate-pyproject itself
// is not on this machine's package index) and run over the documentation's configurations and the
// reader's refused ones. On Python 3.9 (the oldest binwheel supports) the plugin loads too.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TOOL_CASES } from "../support/config-cases.js";
import { REPO, pipEnv } from "../support/project.js";
import { pyenvPython } from "../support/python.js";

let work: string;
let python: string;

const SCRIPT = `
import json, sys, tomllib
from importlib.metadata import entry_points
import fastjsonschema

(plugin,) = [ep for ep in entry_points(group="validate_pyproject.tool_schema") if ep.name == "binwheel"]
schema = plugin.load()("binwheel")
validate = fastjsonschema.compile(schema)
results = {"$id": schema["$id"]}
for name, text in json.load(sys.stdin).items():
    tool = tomllib.loads(text).get("tool", {}).get("binwheel", {})
    try:
        validate(tool)
        results[name] = "valid"
    except fastjsonschema.JsonSchemaValueException as e:
        results[name] = e.message
print(json.dumps(results))
`;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-schema-"));
  await execa("python3", ["-m", "venv", path.join(work, "venv")]);
  python = path.join(work, "venv/bin/python");
  await execa(python, ["-m", "pip", "install", "-q", "fastjsonschema"], { env: pipEnv() });
  await execa(python, ["-m", "pip", "install", "-q", "--no-index", "--find-links", inject("shimWheels"), "binwheel"], { env: pipEnv() });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the validate-pyproject plugin", () => {
  it("gives validate-pyproject's engine a schema that passes the docs' configurations and fails the refused ones", async () => {
    const recipes = Object.fromEntries(readdirSync(path.join(REPO, "examples/recipes")).map((f) => [f, readFileSync(path.join(REPO, "examples/recipes", f), "utf8").replace(/"<[^"<>]*sha256[^"<>]*>"/g, `"${"0".repeat(64)}"`)]));
    const refused = Object.fromEntries(TOOL_CASES.filter(([label]) => label !== "package missing").map(([label, tool]) => [label, `[project]\nname = "demo"\nversion = "1.0"\n${tool}`]));
    const input = { "pyproject.example.toml": readFileSync(path.join(REPO, "pyproject.example.toml"), "utf8"), ...recipes, ...refused };
    const ran = await execa(python, ["-c", SCRIPT], { input: JSON.stringify(input) });
    const results = JSON.parse(ran.stdout) as Record<string, string>;
    expect(results["$id"]).toBe("https://json.schemastore.org/partial-binwheel.json");
    for (const name of ["pyproject.example.toml", ...Object.keys(recipes)]) expect(results[name], name).toBe("valid");
    for (const name of Object.keys(refused)) expect(results[name], name).not.toBe("valid");
    expect(results["unknown tool key"]).toMatch(/must not contain \{'package'\} properties/);
  });

  it("loads on Python 3.9, from the installed wheel's own files", async () => {
    const old = await pyenvPython("3.9");
    const target = path.join(work, "py39");
    await execa(old, ["-m", "pip", "install", "-q", "--no-deps", "--no-index", "--find-links", inject("shimWheels"), "--target", target, "binwheel"], { env: pipEnv() });
    const ran = await execa(old, ["-c", "from binwheel._schema import tool_schema; s = tool_schema('binwheel'); print(s['$id'], sorted(s['properties'])[:3])"], { env: { PYTHONPATH: target } });
    expect(ran.stdout).toBe("https://json.schemastore.org/partial-binwheel.json ['commands', 'exclude', 'include']");
  });
});
