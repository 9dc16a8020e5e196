// Per-build knobs: PEP 517 config_settings (`-C key=value`) first, then BINWHEEL_* variables.
import { didYouMean, fail } from "../errors.js";
import { checkedUpstreamVersion } from "./template.js";

export type ConfigSettings = Record<string, string | string[] | undefined> | null | undefined;

export interface BuildOptions {
  /** A Rust target triple to build for instead of the host's. */
  target?: string;
  /** The upstream release version, overriding [tool.binwheel.upstream] version. */
  upstreamVersion?: string;
  /** Use only the download cache (and BINWHEEL_ASSET_DIR); never the network. */
  offline: boolean;
  /** Build only what binwheel.lock covers. */
  locked: boolean;
  verbose: boolean;
}

const KNOWN = ["target", "upstream-version", "offline", "locked", "verbose"] as const;

export function readOptions(settings: ConfigSettings, env: NodeJS.ProcessEnv): BuildOptions {
  const given = settings ?? {};
  for (const key of Object.keys(given)) {
    if ((KNOWN as readonly string[]).includes(key)) continue;
    // setuptools' keys for passing command-line options: a user moving from setup.py may try them.
    const legacy = key.startsWith("--")
      ? ` (${key} is how setuptools passes command-line options; binwheel has none: for another platform's wheel use -C target=<triple>).`
      : "";
    fail(
      `unknown config setting -C ${key}${didYouMean(key, KNOWN) || (legacy ? "" : ".")}${legacy} binwheel knows ${KNOWN.map((k) => `-C ${k}=...`).join(", ")}; ` +
        "an unknown one is an error, so that a misspelt setting never builds something other than what was asked.",
    );
  }
  const setting = (key: (typeof KNOWN)[number]): string | undefined => {
    const value = given[key];
    return Array.isArray(value) ? value[value.length - 1] : value;
  };
  const target = setting("target") ?? nonEmpty(env["BINWHEEL_TARGET"]);
  const fromSetting = setting("upstream-version");
  const fromEnv = nonEmpty(env["BINWHEEL_UPSTREAM_VERSION"]);
  const upstreamVersion = fromSetting !== undefined ? checkedUpstreamVersion(fromSetting.trim(), "-C upstream-version (--upstream-version)")
    : fromEnv !== undefined ? checkedUpstreamVersion(fromEnv, "BINWHEEL_UPSTREAM_VERSION")
    : undefined;
  const flag = (key: "offline" | "locked" | "verbose", variable: string) => {
    const value = setting(key);
    return value !== undefined ? parseFlag(value, `-C ${key}`) : parseFlag(env[variable] ?? "false", variable);
  };
  return {
    ...(target !== undefined && { target }),
    ...(upstreamVersion !== undefined && { upstreamVersion }),
    offline: flag("offline", "BINWHEEL_OFFLINE"),
    locked: flag("locked", "BINWHEEL_LOCKED"),
    verbose: flag("verbose", "BINWHEEL_VERBOSE"),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** `-C verbose` alone (an empty value) means true, like a command-line flag. */
export function parseFlag(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (["", "1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  fail(`${name}=${value} is not a boolean; use true or false.`);
}
