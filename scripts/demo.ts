// `npm run demo`: the main job end to end, offline. A local stand-in for GitHub serves a fixture
// toondb/toondb release; pip builds the example SDK's wheel with binwheel (from its own freshly
// built wheel), installs it into a throwaway venv and runs the bundled toondb-bulk command.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { GitHubStandIn } from "../test/support/github-standin.js";
import { toondbRelease } from "../test/support/fixtures.js";
import { assembleExampleProject, buildShimWheel, pipEnv } from "../test/support/project.js";

const python = process.env["BINWHEEL_DEMO_PYTHON"] ?? "python3";
const work = mkdtempSync(path.join(tmpdir(), "binwheel-demo-"));
const step = (text: string) => process.stdout.write(`\n== ${text}\n`);
// Asynchronous on purpose: the GitHub stand-in answers pip's backend from this same process.
const run = (cmd: string, args: string[], env = pipEnv()) =>
  execa(cmd, args, { env, stdin: "ignore", stdout: "inherit", stderr: "inherit" });

const github = await GitHubStandIn.start();
try {
  step("serving a fixture toondb/toondb v0.3.2 release on a local GitHub stand-in");
  const release = await toondbRelease("0.3.2");
  github.addRelease(release);
  for (const a of release.assets) process.stdout.write(`   ${a.name}\n`);

  step("building binwheel's own wheel from python_shim/ (with binwheel)");
  const links = await buildShimWheel(path.join(work, "links"), python);

  step("pip wheel: the toondb-client SDK (examples/toondb-sdk + pyproject.example.toml)");
  const project = assembleExampleProject(path.join(work, "toondb-client"));
  const dist = path.join(work, "dist");
  await run(python, ["-m", "pip", "wheel", "--no-deps", "--no-index", "--find-links", links, "-w", dist, project],
    pipEnv({ GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: path.join(work, "cache") }));
  const wheel = path.join(dist, readdirSync(dist).find((f) => f.startsWith("toondb_client-"))!);

  step("installing it into a throwaway venv");
  const venv = path.join(work, "venv");
  await run(python, ["-m", "venv", venv]);
  const bin = path.join(venv, process.platform === "win32" ? "Scripts" : "bin");
  await run(path.join(bin, "python"), ["-m", "pip", "install", "--no-index", "-q", wheel]);

  step("toondb-bulk --help (the bundled executable, through its console command)");
  await run(path.join(bin, "toondb-bulk"), ["--help"]);

  step(`the wheel: ${path.basename(wheel)}`);
  await run(path.join(bin, "python"), ["-c", `
import stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for i in z.infolist():
        print("  %s %9d  %s" % (stat.filemode(i.external_attr >> 16), i.file_size, i.filename))
`, wheel]);
  step("its SBOM (.dist-info/sboms/binwheel.cdx.json): where every bundled file came from");
  await run(path.join(bin, "python"), ["-c", `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bom = json.loads(z.read("toondb_client-0.3.2.dist-info/sboms/binwheel.cdx.json"))
print("  CycloneDX %s, %s" % (bom["specVersion"], bom["serialNumber"]))
print("  wheel     %s" % bom["metadata"]["component"]["purl"])
for up in bom["components"]:
    print("  upstream  %s  license %s" % (up["purl"], " ".join(l["expression"] for l in up.get("licenses", []))))
    for ref in up.get("externalReferences", []):
        print("            %s %s" % (ref["type"], ref["url"]))
    print("            sha256 %s" % up["hashes"][0]["content"])
    for f in up.get("components", []):
        print("    %s  %s" % (f["hashes"][0]["content"][:16], f["name"]))
`, wheel]);
  process.stdout.write("\ndemo finished: the wheel was built from the fixture release, installed and run.\n");
} finally {
  await github.close();
  rmSync(work, { recursive: true, force: true });
}
