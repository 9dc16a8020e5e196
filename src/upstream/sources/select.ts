// The source a plan's upstream names: the one switch over the hosts, kept out of source.ts so that
// the sources, which implement its interface, never import each other through it.
import type { TargetPlan } from "../../plan/target-plan.js";
import { githubSource } from "./github.js";
import { gitlabSource } from "./gitlab.js";
import type { Source } from "./source.js";
import { urlSource } from "./url.js";

export function openSource(plan: TargetPlan, env: NodeJS.ProcessEnv): Source {
  const { source } = plan.upstream;
  switch (source.kind) {
    case "github":
      return githubSource(plan, env);
    case "gitlab":
      return gitlabSource(plan, env);
    case "url":
      return urlSource(plan, env);
    case "path":
      throw new Error("a path source is read by path.ts, not downloaded");
  }
}
