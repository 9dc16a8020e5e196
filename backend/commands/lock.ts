// `binwheel lock`: write binwheel.lock (see src/release/locking.ts).
import { writeLock } from "../../src/release/locking.js";
import { buildOptions, parse } from "../args.js";

export async function lockCommand(args: string[]): Promise<void> {
  const { values, projectDir } = parse("lock", args, {
    "upstream-version": { type: "string" },
    offline: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  await writeLock(projectDir, buildOptions(values), process.env);
}
