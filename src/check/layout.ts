// A wheel's name, layout and WHEEL file (BW3xx): the file name as packaging parses it (pip, uv and
// PyPI refuse what it refuses) and as PyPI wants it (the normalized project name), one .dist-info
// and .data folder named after the file (installer derives both from the file name), the .data
// keys installers know, and WHEEL as pip, uv and installer read it.
import { printable } from "../fs/artifact-path.js";
import { escapedName } from "../python/names.js";
import { normalizeVersion } from "../python/pep440.js";
import { checkCommandName } from "./entry-points.js";
import type { Findings } from "./findings.js";
import { parseCoreMetadata } from "./metadata.js";

const DATA_KEYS = new Set(["purelib", "platlib", "headers", "scripts", "data"]);

export interface WheelName {
  /** The name and version parts as written. */
  name: string;
  version: string;
  /** `{name}-{version}`, which the .dist-info and .data folders are named after. */
  stem: string;
  platforms: string[];
  /** Every python-abi-platform tag the compressed tag sets expand to. */
  tags: string[];
}

/** The parts of a wheel's file name, or undefined (reported) when packaging cannot parse it. */
export function parseWheelName(base: string, findings: Findings): WheelName | undefined {
  const parts = base.slice(0, -".whl".length).split("-");
  const shape = "{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl";
  if (parts.length !== 5 && parts.length !== 6) return void findings.add("BW301", `the file name is not ${shape}; pip, uv and PyPI refuse it`);
  const [name, version] = parts as [string, string];
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  if (name.includes("__") || !/^[\p{L}\p{N}._]+$/u.test(name)) return void findings.add("BW301", `the file name's project part "${printable(name)}" holds characters a wheel name cannot (packaging, pip and PyPI refuse it)`);
  const normalized = normalizeVersion(version);
  if (normalized === null) return void findings.add("BW301", `the file name's version part "${printable(version)}" is not a PEP 440 version; pip, uv and PyPI refuse it`);
  if (parts.length === 6 && !/^\d/.test(parts[2]!)) return void findings.add("BW301", `the build tag "${printable(parts[2]!)}" does not start with a digit; pip, uv and PyPI refuse the file name`);
  const components = [python, abi, platform].flatMap((set) => set.split("."));
  if (components.some((c) => c === "") || python.split(".").some((p) => !/^[\p{L}_][\p{L}\p{N}_]*$/u.test(p))) {
    return void findings.add("BW301", `the file name's tags "${printable(`${python}-${abi}-${platform}`)}" have an empty part or an interpreter that is not an identifier; packaging, pip and PyPI refuse them`);
  }
  if (escapedName(name) !== name) findings.add("BW302", `the file name's project part "${printable(name)}" is not the normalized project name "${escapedName(name)}": PyPI refuses such uploads (pip and uv still install the file)`);
  if (normalized !== version) findings.add("BW303", `the file name's version part "${printable(version)}" is not normalized ("${normalized}"); installers compare it normalized, tools that compare file names do not`);
  const platforms = platform.split(".");
  const tags = python.split(".").flatMap((p) => abi.split(".").flatMap((a) => platforms.map((t) => `${p}-${a}-${t}`)));
  return { name, version, stem: `${name}-${version}`, platforms, tags };
}

/** The .dist-info and .data folders, and the scripts .data installs. */
export function checkLayout(wheel: WheelName, files: string[], project: string, findings: Findings): void {
  const distInfo = `${wheel.stem}.dist-info`;
  const tops = new Set(files.map((n) => n.split("/")[0]!));
  const distInfos = [...tops].filter((t) => t.endsWith(".dist-info"));
  if (distInfos.length !== 1 || distInfos[0] !== distInfo) {
    findings.add("BW304", `the wheel must hold exactly one .dist-info folder, ${distInfo} (installers derive its name from the file name), not ${distInfos.map(printable).join(", ") || "none"}`);
  }
  for (const top of tops) {
    if (!top.endsWith(".data")) continue;
    if (top !== `${wheel.stem}.data`) findings.add("BW305", `${printable(top)} is not named after the file (${wheel.stem}.data), so installers install it as an ordinary folder`);
    for (const n of files) {
      if (!n.startsWith(`${top}/`)) continue;
      const [, key, ...rest] = n.split("/");
      if (rest.length === 0) findings.add("BW305", `${printable(n)} lies directly in the .data folder, outside a key folder; pip refuses the wheel`);
      else if (!DATA_KEYS.has(key!)) findings.add("BW305", `${printable(n)} is in the .data key "${printable(key!)}", which pip, uv and installer refuse (they know ${[...DATA_KEYS].join(", ")})`);
      else if (key === "scripts" && rest.length > 1) findings.add("BW305", `${printable(n)} is in a folder inside .data/scripts, which uv refuses`);
      else if (key === "scripts") checkCommandName(rest[0]!, printable(n), project, findings);
    }
  }
}

/** WHEEL, as installers read it, against the file name's tags. */
export function checkWheelFile(text: string, wheel: WheelName, findings: Findings): void {
  const { fields } = parseCoreMetadata(text);
  const get = (k: string) => fields.filter(([f]) => f.toLowerCase() === k).map(([, v]) => v);
  const version = get("wheel-version")[0];
  if (!version || !/^1\.\d+$/.test(version)) findings.add("BW306", `WHEEL's Wheel-Version is ${version ? `"${printable(version)}"` : "missing"}; pip, uv and installer install only 1.x wheels`);
  const purelib = get("root-is-purelib")[0];
  if (purelib !== "true" && purelib !== "false") {
    findings.add("BW307", purelib === undefined
      ? "WHEEL has no Root-Is-Purelib; installers then install the wheel's root into platlib"
      : `WHEEL's Root-Is-Purelib is "${printable(purelib)}", not true or false: pip reads it case-insensitively, uv and installer take anything but "true" as false, so they install it in different places`);
  }
  const lines = get("tag");
  const listed = new Set(lines.flatMap(expandTag));
  const missing = wheel.tags.filter((t) => !listed.has(t));
  const extra = [...listed].filter((t) => !wheel.tags.includes(t));
  if (missing.length || extra.length) {
    findings.add("BW308", `WHEEL's Tag lines (${lines.map(printable).join(", ") || "none"}) differ from the file name's tags (${wheel.tags.join(", ")}): uv decides from them whether an installed wheel fits the environment`);
  } else if (lines.some((l) => l.includes("."))) {
    findings.add("BW308", `WHEEL's Tag lines (${lines.map(printable).join(", ")}) hold compressed tag sets; the spec lists each expanded tag on its own line, and tools that read one tag per line misread them`);
  }
}

function expandTag(line: string): string[] {
  const [python = "", abi = "", platform = ""] = line.split("-");
  return python.split(".").flatMap((p) => abi.split(".").flatMap((a) => platform.split(".").map((t) => `${p}-${a}-${t}`)));
}
