// `binwheel cache dir|clean`.
import { cacheDir, cleanCache } from "../../src/upstream/cache.js";
import { command } from "../args.js";

export const cache = command({
  name: "cache",
  summary: "print the download cache's folder (dir), or delete the cache (clean)",
  details: "The cache is BINWHEEL_CACHE_DIR, else ~/.cache/binwheel (or $XDG_CACHE_HOME/binwheel) on Linux, ~/Library/Caches/binwheel on macOS, %LOCALAPPDATA%\\binwheel\\Cache on Windows.",
  args: { usage: "dir|clean", min: 1, max: 1, choices: ["dir", "clean"] },
  flags: {},
  async run(_, [what]) {
    const dir = cacheDir(process.env);
    if (what === "dir") {
      process.stdout.write(`${dir}\n`);
      return;
    }
    const { removed, left } = cleanCache(dir);
    if (removed) process.stdout.write(`removed ${dir}\n`);
    else if (left.length) process.stdout.write(`removed binwheel's files from ${dir}; kept the folder, which also holds ${left.join(", ")}\n`);
    else process.stdout.write(`${dir} does not exist; nothing to clean\n`);
  },
});
