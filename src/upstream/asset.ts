// The upstream asset of one target: looked up in the release, downloaded, checked against a pin.
import path from "node:path";
import { fail } from "../errors.js";
import { info } from "../log.js";
import type { TargetPlan } from "../target/plan.js";
import { GitHubReleases, githubAccess } from "./github.js";

/** Downloads the plan's asset into `scratch` and returns the file's path. */
export async function fetchUpstreamAsset(plan: TargetPlan, scratch: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { upstream } = plan;
  const github = new GitHubReleases(githubAccess(env));
  const request = {
    owner: upstream.owner,
    repo: upstream.repo,
    tag: plan.releaseTag,
    assetName: plan.assetName,
    assetKey: `[tool.binwheel.upstream] asset = "${upstream.asset}"`,
  };
  const asset = await github.findAsset(request);
  info(`downloading ${asset.name} (${(asset.size / 1048576).toFixed(1)} MiB) from ${upstream.owner}/${upstream.repo} ${plan.releaseTag}`);
  const downloaded = await github.download(request, asset, path.join(scratch, "asset"));
  if (plan.pinnedSha256 && downloaded.sha256 !== plan.pinnedSha256) {
    fail(
      `${asset.name} from ${upstream.owner}/${upstream.repo} ${plan.releaseTag} has sha256 ${downloaded.sha256}, but ` +
        `[tool.binwheel.upstream] sha256 pins ${plan.pinnedSha256} for ${plan.target.triple}. The asset changed or the pin is wrong; no wheel was written.`,
    );
  }
  return downloaded.file;
}
