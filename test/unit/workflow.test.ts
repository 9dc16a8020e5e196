import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { loadProject } from "../../src/config/pyproject.js";
import { PINNED_ACTIONS, renderWorkflow } from "../../src/release/workflow.js";
import { VERSION } from "../../src/version.js";
import { REPO, assembleExampleProject } from "../support/project.js";

// @actions/workflow-parser (GitHub's own parser) imports its schema as `import x from "./x.json"`,
// which Node (20 and later) refuses without `with { type: "json" }`; bundlers accept it. This load
// hook adds that attribute to the package's JSON imports only, then the public API loads as is.
register(
  "data:text/javascript," +
    encodeURIComponent(`export async function load(url, context, next) {
  const json = url.includes("/@actions/workflow-parser/") && url.endsWith(".json");
  return next(url, json ? { ...context, importAttributes: { ...context.importAttributes, type: "json" } } : context);
}`),
);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter, isString } = await import("@actions/workflow-parser");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

let work: string;
let text: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-workflow-"));
  text = renderWorkflow(loadProject(assembleExampleProject(path.join(work, "project"))));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every step that runs a script, with the environment it runs in (workflow, job, then step). */
function shellSteps(workflow: Workflow): { job: string; step: Step; env: Record<string, string> }[] {
  return Object.entries(workflow.jobs).flatMap(([job, j]) =>
    j.steps.filter((s) => s.run !== undefined).map((step) => ({ job, step, env: { ...workflow.env, ...j.env, ...step.env } })),
  );
}

describe("the release workflow init-ci writes", () => {
  it("is a valid workflow to GitHub's own parser", async () => {
    const parsed = parseWorkflow({ name: "release.yml", content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map(String)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(["build", "smoke", "github-draft", "pypi", "github-publish"]);
    // The parser turns a script holding `${{ }}` into an expression; every script must stay a plain string.
    const scripts = template.jobs.flatMap((j) => (j.type === "job" ? j.steps : [])).flatMap((s) => ("run" in s ? [s.run] : []));
    expect(scripts.length).toBeGreaterThan(5);
    for (const run of scripts) expect(isString(run), run.toDisplayString()).toBe(true);
  });

  it("expands no ${{ }} expression inside any run: script", () => {
    const steps = shellSteps(YAML.parse(text));
    expect(steps.length).toBeGreaterThan(5);
    for (const { job, step } of steps) expect(step.run, `${job}: ${step.name ?? step.run}`).not.toContain("${{");
  });

  it("pins every action to a full commit SHA with its release tag in a comment", () => {
    const lines = text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(lines.length).toBeGreaterThan(8);
    const used = new Set<string>();
    for (const line of lines) {
      const m = /^\s*(?:-\s+)?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+)*)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, action, sha, version] = m!;
      expect(PINNED_ACTIONS[action as keyof typeof PINNED_ACTIONS], line).toEqual({ sha, version });
      used.add(action!);
    }
    expect([...used].sort()).toEqual(Object.keys(PINNED_ACTIONS).sort());
    expect(text).not.toMatch(/pin the actions/i);
  });

  it("hands each dispatch input to its shell step as an environment variable", () => {
    const workflow: Workflow = YAML.parse(text);
    const version = shellSteps(workflow).find((s) => s.step.name === "Check the version")!;
    expect(version.step.run).toBe('ls dist/*-"$VERSION".tar.gz');
    expect(version.step.env).toEqual({ VERSION: "${{ inputs.version }}" });
    const build = shellSteps(workflow).find((s) => s.step.name === "Build every wheel and the sdist")!;
    expect(build.step.run).toContain('--upstream-version "$UPSTREAM_VERSION"');
    expect(workflow.env["UPSTREAM_VERSION"]).toBe("${{ inputs.upstream_version }}");
    for (const { step } of shellSteps(workflow).filter((s) => /binwheel release/.test(s.step.run!))) {
      expect(step.run).toContain('--repo "$GITHUB_REPOSITORY"');
    }
  });

  it("runs no shell code from a hostile input: each script gets it as one argument", () => {
    // What GitHub does: expand `${{ }}` wherever it stands (env values and, were there any, scripts),
    // then run each script with bash -eo pipefail. Commands are recorded instead of run (PATH is empty).
    const payload = 'x".tar.gz; touch pwned; echo "$(touch pwned)';
    const expand = (s: string) => s.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => (/inputs\.|github\.event\./.test(e) ? payload : "stub"));
    const record = 'command_not_found_handle() { printf "%s\\037" "$@" >> "$CALLS"; printf "\\n" >> "$CALLS"; }\nPATH=/nonexistent\n';
    const run = (script: string, env: Record<string, string>, dir: string) => {
      mkdirSync(dir);
      const calls = path.join(dir, "calls");
      const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", record + script], {
        cwd: dir,
        env: { PATH: process.env["PATH"], CALLS: calls, GITHUB_REPOSITORY: "toondb/toondb-python-sdk", ...env },
        encoding: "utf8",
      });
      expect(result.status, result.stderr).toBe(0);
      const argvs = existsSync(calls) ? readFileSync(calls, "utf8").split("\n").filter(Boolean).map((l) => l.split("\x1f").slice(0, -1)) : [];
      return { argvs, pwned: argvs.some((argv) => argv[0] === "touch") };
    };

    const steps = shellSteps(YAML.parse(text));
    const seen: string[][] = [];
    steps.forEach(({ step, env }, i) => {
      const { argvs, pwned } = run(expand(step.run!), Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expand(v)])), path.join(work, `step-${i}`));
      expect(pwned, step.run).toBe(false);
      for (const argv of argvs) expect(["binwheel", "python", "ls", "toondb-bulk"], argv.join(" ")).toContain(argv[0]);
      seen.push(...argvs);
    });
    // The payload did reach the commands, whole, as data.
    expect(seen).toContainEqual(["ls", `dist/*-${payload}.tar.gz`]);
    expect(seen.find((a) => a[0] === "binwheel" && a[1] === "build")).toEqual(
      ["binwheel", "build", "--all-targets", "--sdist", "--out-dir", "dist", "--upstream-version", payload],
    );

    // The check is real: the same payload expanded into a script, as the old workflow did, runs.
    const old = run(expand('ls dist/*-"${{ inputs.version }}".tar.gz'), {}, path.join(work, "old"));
    expect(old.pwned).toBe(true);
  });
});

describe("binwheel's own release", () => {
  const own = readFileSync(path.join(REPO, ".github/workflows/release.yml"), "utf8");

  it("installs the binwheel that wrote the project's workflow, pinned", () => {
    const installs = text.split("\n").filter((l) => /pip install/.test(l) && /binwheel/.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toContain(`python -m pip install "binwheel==${VERSION}"`);
  });

  it("has one version: package.json's, also in python_shim/pyproject.toml", () => {
    const pyproject = readFileSync(path.join(REPO, "python_shim/pyproject.toml"), "utf8");
    expect(/^version = "(.*)"$/m.exec(pyproject)?.[1]).toBe(VERSION);
  });

  it("is a valid workflow to GitHub's own parser, every action pinned as init-ci pins it", async () => {
    const parsed = parseWorkflow({ name: "release.yml", content: own }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map(String)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(["build", "pypi"]);
    const lines = own.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    for (const line of lines) {
      const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(PINNED_ACTIONS[m![1] as keyof typeof PINNED_ACTIONS], line).toEqual({ sha: m![2], version: m![3] });
    }
    expect(lines.some((l) => l.includes("pypa/gh-action-pypi-publish@"))).toBe(true);
  });

  it("builds with binwheel itself, checks and installs before publishing with trusted publishing and attestations", () => {
    const workflow = YAML.parse(own) as Workflow & { permissions: object; jobs: Record<string, { permissions: Record<string, string>; needs?: string; environment?: { name: string } }> };
    expect(workflow.permissions).toEqual({});
    const scripts = workflow.jobs["build"]!.steps.map((s) => s.run ?? "").join("\n");
    expect(scripts).toContain("node python_shim/binwheel/_core.mjs build python_shim --sdist --out-dir dist");
    expect(scripts).toContain("node python_shim/binwheel/_core.mjs check dist/*");
    expect(scripts).toMatch(/binwheel --version/);
    expect(workflow.jobs["build"]!.permissions).toEqual({ contents: "read" });
    const pypi = workflow.jobs["pypi"]!;
    expect(pypi.needs).toBe("build");
    expect(pypi.permissions).toEqual({ "id-token": "write" });
    expect(pypi.environment?.name).toBe("pypi");
    const publish = pypi.steps.find((s) => s.uses?.startsWith("pypa/gh-action-pypi-publish@"))!;
    expect((publish as Step & { with?: Record<string, unknown> }).with).toEqual({ attestations: true });
    for (const { step } of shellSteps(workflow)) expect(step.run).not.toContain("${{");
  });

  it("checks the version as the workflow does: the check fails on a pyproject.toml that disagrees", () => {
    const step = (YAML.parse(own) as Workflow).jobs["build"]!.steps.find((s) => s.name?.startsWith("Check the version"))!;
    const run = (pyprojectVersion: string, tag?: string) => {
      const dir = mkdtempSync(path.join(work, "version-"));
      mkdirSync(path.join(dir, "python_shim"));
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ version: "1.2.3" }));
      writeFileSync(path.join(dir, "python_shim/pyproject.toml"), `[project]\nname = "binwheel"\nversion = "${pyprojectVersion}"\n`);
      const env = { PATH: process.env["PATH"], GITHUB_ENV: path.join(dir, "env"), ...(tag && { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: tag }) };
      return spawnSync("bash", ["-eo", "pipefail", "-c", step.run!], { cwd: dir, env, encoding: "utf8" }).status;
    };
    expect(run("1.2.3")).toBe(0);
    expect(run("1.2.3", "v1.2.3")).toBe(0);
    expect(run("1.2.4")).not.toBe(0);
    expect(run("1.2.3", "v1.2.4")).not.toBe(0);
  });
});
