// The wheels of the local PyPI mirror pip is configured for (`pip config list`): every .whl the
// file:// indexes' project pages link to, and every .whl in the find-links folders. The corpus test
// and the benchmark check them; without a mirror both skip, saying why.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Mirror {
  /** Absolute paths, sorted. */
  wheels: string[];
  /** Why there are none, when there are none. */
  reason?: string;
}

export function mirrorWheels(): Mirror {
  let config: string;
  try {
    config = execFileSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8", env: { ...process.env, PIP_RETRIES: "0" } });
  } catch (e) {
    return { wheels: [], reason: `pip config list failed (${(e as Error).message.split("\n")[0]})` };
  }
  const values = (key: string) => [...config.matchAll(new RegExp(`^\\S*\\.${key}='([^']*)'`, "gm"))].flatMap((m) => m[1]!.split(/\s+/)).filter(Boolean);
  const found = new Set<string>();
  for (const url of [...values("index-url"), ...values("extra-index-url")]) {
    if (!url.startsWith("file:")) continue;
    const root = fileURLToPath(url);
    if (!existsSync(root)) continue;
    for (const project of readdirSync(root)) {
      const page = path.join(root, project, "index.html");
      if (!existsSync(page)) continue;
      for (const [, href] of readFileSync(page, "utf8").matchAll(/href="([^"#]+\.whl)(?:#[^"]*)?"/g)) {
        const wheel = path.resolve(path.dirname(page), decodeURIComponent(href!));
        if (existsSync(wheel)) found.add(wheel);
      }
    }
  }
  for (const link of values("find-links")) {
    const dir = link.startsWith("file:") ? fileURLToPath(link) : link;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) if (name.endsWith(".whl")) found.add(path.join(dir, name));
  }
  const wheels = [...found].sort();
  return wheels.length ? { wheels } : { wheels, reason: "pip's configuration names no local index or find-links folder with wheels (pip config list)" };
}
