// `binwheel cache dir|clean`.
import { fail } from "../../src/errors.js";
import { cacheDir, cleanCache } from "../../src/upstream/cache.js";

export async function cacheCommand(args: string[]): Promise<void> {
  const dir = cacheDir(process.env);
  if (args.length === 1 && args[0] === "dir") {
    process.stdout.write(`${dir}\n`);
  } else if (args.length === 1 && args[0] === "clean") {
    const { removed, left } = cleanCache(dir);
    if (removed) process.stdout.write(`removed ${dir}\n`);
    else if (left.length) process.stdout.write(`removed binwheel's files from ${dir}; kept the folder, which also holds ${left.join(", ")}\n`);
    else process.stdout.write(`${dir} does not exist; nothing to clean\n`);
  } else {
    fail(`binwheel cache takes "dir" or "clean", got ${args.join(" ") || "nothing"}.`);
  }
}
