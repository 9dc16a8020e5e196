// `binwheel lock`: write binwheel.lock (see src/release/locking.ts).
import { writeLock } from "../../src/release/locking.js";
import { BUILD_FLAGS, PROJECT_DIR, buildOptions, command, projectDir } from "../args.js";

export const lock = command({
  name: "lock",
  summary: "fetch and verify every target's asset, and write binwheel.lock: what builds must use",
  args: PROJECT_DIR,
  flags: {
    "upstream-version": { ...BUILD_FLAGS["upstream-version"], help: "move the lock to this upstream release" },
    offline: BUILD_FLAGS.offline,
  },
  async run(values, positionals) {
    await writeLock(projectDir(positionals), buildOptions(values), process.env);
  },
});
