// `binwheel targets`: the plan, one block per configured target.
import { loadProject } from "../../src/config/pyproject.js";
import type { BuildOptions } from "../../src/config/settings.js";
import { redactUrl } from "../../src/errors.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { tagOverlaps, type TargetTags } from "../../src/release/artifacts.js";
import { bundleBinaries, withScratch } from "../../src/wheel/build.js";
import { BUILD_FLAGS, PROJECT_DIR, buildOptions, command, projectDir } from "../args.js";

export const targets = command({
  name: "targets",
  summary: "print each configured target: its asset, its tags, where files go",
  args: PROJECT_DIR,
  flags: {
    fetch: { type: "boolean", help: "download the assets and derive the tags from the binaries now" },
    "upstream-version": BUILD_FLAGS["upstream-version"],
  },
  run: async (values, positionals) => printTargets(projectDir(positionals), values.fetch ?? false, buildOptions(values)),
});

async function printTargets(projectDir: string, fetch: boolean, options: BuildOptions): Promise<void> {
  const project = loadProject(projectDir, options.upstreamVersion);
  if (!project.config.upstream) {
    process.stdout.write(`${project.metadata.name} ${project.metadata.version} has no [tool.binwheel.upstream]: it builds one pure wheel (py3-none-any).\n`);
    return;
  }
  const out: string[] = [];
  const known: TargetTags[] = [];
  for (const { triple } of project.config.targets) {
    const targetOptions = { ...options, target: triple };
    const plan = planTarget(project, targetOptions, undefined, process.env);
    const setting = plan.config.tags;
    let tags = setting === "auto" ? `auto (derived from the binaries when built; without any: ${plan.target.defaultTags.join(".")})` : setting.join(".");
    let list = setting === "auto" ? undefined : setting;
    if (fetch) {
      list = await withScratch(async (scratch, spool) => {
        const bundle = await bundleBinaries(project, { projectDir, outDir: scratch, options: targetOptions, env: process.env }, scratch, spool, { editable: false });
        return bundle.platformTags;
      });
      tags = list.join(".");
    }
    known.push({ target: plan.target, ...(list && { tags: list }) });
    out.push(
      triple,
      `  asset         ${plan.assetName} (${plan.location ? redactUrl(plan.location) : `${plan.upstream.name} ${plan.releaseTag}`})`,
      `  tags          ${tags}`,
      ...plan.include.map((r) => `  ${r.fromGlob.padEnd(13)} -> ${r.toDir}/${r.asName ?? ""}`),
      "",
    );
  }
  const overlaps = tagOverlaps(known);
  if (overlaps.length) out.push("overlapping tags", ...overlaps.map((o) => `  ${o}`), "");
  process.stdout.write(out.join("\n"));
}
