// `binwheel cache dir|clean`.
import { rm } from "node:fs/promises";
import { fail } from "../../src/errors.js";
import { cacheDir } from "../../src/upstream/cache.js";

export async function cacheCommand(args: string[]): Promise<void> {
  const dir = cacheDir(process.env);
  if (args.length === 1 && args[0] === "dir") {
    process.stdout.write(`${dir}\n`);
  } else if (args.length === 1 && args[0] === "clean") {
    await rm(dir, { recursive: true, force: true });
    process.stdout.write(`removed ${dir}\n`);
  } else {
    fail(`binwheel cache takes "dir" or "clean", got ${args.join(" ") || "nothing"}.`);
  }
}
