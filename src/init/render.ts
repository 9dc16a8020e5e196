// The pyproject.toml binwheel init writes: [build-system], a minimal [project], and the
// [tool.binwheel] tables, in the order and style of the documentation's recipes.
import { quoteKey } from "../config/values.js";
import { VERSION } from "../version.js";
import type { ChosenTarget } from "./assets.js";
import type { InitRule } from "./layout.js";

export type InitSource = { github: string } | { gitlab: string } | { url: string } | { path: string };

export interface InitConfig {
  /** What the header comment says the file came from: "binwheel init --github cli/cli, release v2.60.0". */
  origin: string;
  name: string;
  version: string;
  description: string;
  source: InitSource;
  /** [tool.binwheel.upstream] version, when the [project] version cannot stand for it. */
  upstreamVersion?: string;
  /** When it is not the default v{version}. */
  tag?: string;
  asset?: string;
  checksums?: string;
  /** Each target's asset's sha256, when there is no checksum file to verify downloads against. */
  sha256?: [string, string][];
  targets: ChosenTarget[];
  include: InitRule[];
  scripts: string[];
}

/** A TOML basic string (JSON's escapes are TOML's). */
const str = (s: string) => JSON.stringify(s);

export function renderPyproject(c: InitConfig): string {
  const lines = [
    `# Written by ${c.origin}.`,
    "# See what each target gets with `binwheel targets` (--fetch downloads every asset and derives its tags).",
    "[build-system]",
    `requires = [${str(`binwheel==${VERSION}`)}]`,
    'build-backend = "binwheel"',
    "",
    "[project]",
    `name = ${str(c.name)}`,
    `version = ${str(c.version)}`,
    `description = ${str(c.description)}`,
    "",
    "[tool.binwheel.upstream]",
    `${Object.keys(c.source)[0]} = ${str(Object.values(c.source)[0] as string)}`,
    ...(c.upstreamVersion !== undefined ? [`version = ${str(c.upstreamVersion)}`] : []),
    ...(c.tag !== undefined ? [`tag = ${str(c.tag)}`] : []),
    ...(c.asset !== undefined ? [`asset = ${str(c.asset)}`] : []),
    ...(c.checksums !== undefined ? [`checksums = ${str(c.checksums)}`] : []),
    ...(c.sha256?.length ? ["", "[tool.binwheel.upstream.sha256]", ...c.sha256.map(([triple, hex]) => `${str(triple)} = ${str(hex)}`)] : []),
    "",
    "[tool.binwheel.targets]",
    ...c.targets.map((t) => `${str(t.triple)} = ${targetValue(t)}`),
    ...c.include.flatMap((r) => ["", "[[tool.binwheel.include]]", `from = ${str(r.from)}`, `to = ${str(r.to)}`, ...(r.as !== undefined ? [`as = ${str(r.as)}`] : [])]),
    ...(c.scripts.length ? ["", "[tool.binwheel.scripts]", ...c.scripts.map((s) => `${quoteKey(s)} = ${str(s)}`)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

function targetValue(t: ChosenTarget): string {
  const parts = [
    ...(Object.keys(t.vars).length ? [`vars = { ${Object.entries(t.vars).map(([k, v]) => `${k} = ${str(v)}`).join(", ")} }`] : []),
    ...(t.archive !== undefined ? [`archive = ${str(t.archive)}`] : []),
  ];
  return parts.length ? `{ ${parts.join(", ")} }` : '"auto"';
}
