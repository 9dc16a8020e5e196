// `binwheel targets`: the plan, one block per configured target.
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { bundleBinaries, withScratch } from "../../src/wheel/build.js";
import { buildOptions, parse } from "../args.js";

export async function targetsCommand(args: string[]): Promise<void> {
  const { values, projectDir } = parse("targets", args, { fetch: { type: "boolean" }, "upstream-version": { type: "string" } });
  const options = buildOptions(values);
  const project = loadProject(projectDir, options.upstreamVersion);
  if (!project.config.upstream) {
    process.stdout.write(`${project.metadata.name} ${project.metadata.version} has no [tool.binwheel.upstream]: it builds one pure wheel (py3-none-any).\n`);
    return;
  }
  const out: string[] = [];
  for (const { triple } of project.config.targets) {
    const targetOptions = { ...options, target: triple };
    const plan = planTarget(project, targetOptions, undefined, process.env);
    const setting = plan.config.tags;
    let tags = setting === "auto" ? `auto (derived from the binaries when built; without any: ${plan.target.defaultTags.join(".")})` : setting.join(".");
    if (values.fetch) {
      tags = await withScratch(async (scratch, spool) => {
        const bundle = await bundleBinaries(project, { projectDir, outDir: scratch, options: targetOptions, env: process.env }, scratch, spool, { editable: false });
        return bundle.platformTags.join(".");
      });
    }
    out.push(
      triple,
      `  asset         ${plan.assetName} (${plan.location ?? `${plan.upstream.name} ${plan.releaseTag}`})`,
      `  tags          ${tags}`,
      ...plan.include.map((r) => `  ${r.fromGlob.padEnd(13)} -> ${r.toDir}/${r.asName ?? ""}`),
      "",
    );
  }
  process.stdout.write(out.join("\n"));
}
