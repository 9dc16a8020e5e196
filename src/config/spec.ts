// [tool.binwheel]'s keys as data, declared once: each key's type, default, description, examples and
// the value patterns that a JSON Schema can state. The reader (tool.ts, upstream.ts) takes its key
// lists, defaults, choices and patterns from here, and the Table it reads through (values.ts)
// refuses to read a key as another type than declared; schema.ts turns the same data into the
// JSON Schema that editors and validate-pyproject use. What a schema cannot say (a var every
// target must define, a folder that must exist) stays in the reader, with its own message.
import { COMMAND_NAME, RESERVED_COMMANDS } from "../python/names.js";
import { KNOWN_TRIPLES, targetInfo, type Os } from "../platform/triples.js";
import { TARGET_PLACEHOLDERS, UPSTREAM_VERSION } from "./template.js";

interface Doc {
  description: string;
  examples?: unknown[];
}
export interface StringSpec extends Doc {
  type: "string";
  default?: string;
  /** The allowed values, each with what it means. */
  choices?: Record<string, string>;
  /** Regular expressions (ECMAScript, as JSON Schema's) the value must match, all of them. */
  patterns?: string[];
}
export interface BooleanSpec extends Doc {
  type: "boolean";
  default?: boolean;
  /** Only this value is meaningful (`upstream = true`). */
  only?: boolean;
}
export interface ArraySpec extends Doc {
  type: "array";
  items: KeySpec;
}
export interface TableSpec extends Doc {
  type: "table";
  keys: Record<string, KeySpec>;
  required?: string[];
  /** Rules between keys, as JSON Schema states them (the reader checks each in code, with its own message). */
  schema?: Record<string, unknown>;
}
/** A table whose keys the user names (commands, targets' vars, per-target pins). */
export interface MapSpec extends Doc {
  type: "map";
  names: { patterns?: string[]; choices?: readonly string[]; not?: readonly string[] };
  values: KeySpec;
}
/** One of several forms ("auto" or a table; an executable's name or a table). */
export interface ChoiceSpec extends Doc {
  type: "choice";
  options: KeySpec[];
}
export type KeySpec = StringSpec | BooleanSpec | ArraySpec | TableSpec | MapSpec | ChoiceSpec;

/** `value` matches every pattern of `spec`. */
export function matches(spec: { patterns?: string[] }, value: string): boolean {
  return (spec.patterns ?? []).every((p) => new RegExp(p).test(value));
}

/** A JSON Schema pattern that matches `source` (a regular expression without flags) in any letter case. */
function caseless(source: string): string {
  return source.replace(/\\.|[a-z]/gi, (c) => (c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c));
}

/** {name} placeholders with balanced braces; which names a key may use is the reader's check. */
const TEMPLATE = "^(?:[^{}]|\\{[A-Za-z_][A-Za-z0-9_]*\\})*$";
/** A relative "/"-separated path: no leading "/", no "\", no ".." part. */
const RELATIVE = "^(?!/)(?!.*\\\\)(?!(?:.*/)?\\.\\.(?:/|$))";
export const PATTERNS = {
  identifier: "^[A-Za-z_][A-Za-z0-9_]*$",
  github: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$",
  gitlab: "^(?!(?:.*/)?\\.\\.?(?:/|$))[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$",
  version: UPSTREAM_VERSION,
  sha256: "^[0-9a-fA-F]{64}$",
  varName: "^[a-z_][a-z0-9_]*$",
  varValue: "^[A-Za-z0-9._+~-]{1,100}$",
  command: COMMAND_NAME,
  executable: "^[^/\\\\{}]+$",
  workflow: "^[A-Za-z0-9-]+/[A-Za-z0-9._-]+/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$",
} as const;

/** A platform tag of each OS (binwheel checks explicit tags against the binaries too). */
export const TAG_PATTERNS: Record<Os, string> = {
  linux: "(?:manylinux(?:1|2010|2014)?|musllinux|linux)_[a-z0-9_]*",
  macos: "macosx_[a-z0-9_]*",
  windows: "win[a-z0-9_]*",
};

/** What `archive = ` may say: the archive suffixes binwheel reads. */
export const ARCHIVE_SUFFIXES = ["tar.gz", "tgz", "tar.xz", "txz", "tar.bz2", "tbz2", "tar.zst", "tzst", "tar", "zip"] as const;

/** "`key` is present", as JSON Schema says it (with the key declared beside, as strict validators want). */
const present = (key: string, value: Record<string, unknown> | true = true) => ({ required: [key], properties: { [key]: value } });

const str = (description: string, more: Omit<StringSpec, "type" | "description"> = {}): StringSpec => ({ type: "string", description, ...more });
const globs = (description: string, examples: unknown[]): ArraySpec => ({ type: "array", description, examples, items: str("a glob", { patterns: [`${RELATIVE}.+$`] }) });
const targetGlobs: ArraySpec = {
  type: "array",
  description: "Triple globs of the targets this applies to (each must match a configured target); absent: every target.",
  examples: [["*-linux-*", "*-apple-darwin"], ["*-windows-*"]],
  items: str("a glob over target triples"),
};
const tripleMap = (description: string, values: KeySpec, examples: unknown[]): MapSpec => ({ type: "map", description, examples, names: { choices: KNOWN_TRIPLES }, values });

/** A target of `os` (every one of its triples takes the same settings). */
function targetSpec(os: Os): ChoiceSpec {
  const triple = KNOWN_TRIPLES.find((t) => targetInfo(t)!.os === os)!;
  const tags = str(`"auto" (platform tags derived from the binaries), or the ${os} tags to use, joined by ".".`, {
    default: "auto",
    patterns: [`^(?:auto|${TAG_PATTERNS[os]}(?:\\.${TAG_PATTERNS[os]})*)$`],
    examples: ["auto", targetInfo(triple)!.defaultTags.join(".")],
  });
  return {
    type: "choice",
    description: `A ${os} target's wheel: "auto", its platform tags, or a table of tags, vars and archive.`,
    options: [
      tags,
      {
        type: "table",
        description: "The target's tags, its own placeholders and what {archive} gives.",
        keys: {
          tags,
          vars: {
            type: "map",
            description: "The target's own placeholders: lowercase names, values of letters, digits and . _ + ~ -. Every target a template applies to needs each var it uses.",
            examples: [{ plat: "linux-x64" }],
            names: { patterns: [PATTERNS.varName], not: [...TARGET_PLACEHOLDERS, "asset"] },
            values: str("the var's value", { patterns: [PATTERNS.varValue] }),
          },
          archive: str("What {archive} gives for this target.", { default: targetInfo(triple)!.archive, choices: Object.fromEntries(ARCHIVE_SUFFIXES.map((a) => [a, a])) }),
        },
      },
    ],
  };
}

const UPSTREAM: TableSpec = {
  type: "table",
  description: "Where the binaries come from: exactly one of github, gitlab, url and path.",
  keys: {
    github: str("A GitHub repository whose releases hold the assets (GITHUB_API_URL, GH_TOKEN / GITHUB_TOKEN).", { patterns: [PATTERNS.github], examples: ["toondb/toondb"] }),
    gitlab: str("A GitLab project (subgroups too) whose releases link the assets (GITLAB_API_URL, GITLAB_TOKEN / CI_JOB_TOKEN).", { patterns: [PATTERNS.gitlab], examples: ["acme/tools/mytool"] }),
    url: str("A download URL template: https, or http to this machine's loopback addresses; {asset} is the asset's name.", {
      patterns: [TEMPLATE, "^(?:https://|http://(?:localhost|127\\.[0-9]+\\.[0-9]+\\.[0-9]+|\\[::1\\])(?:[:/]|$))"],
      examples: ["https://nodejs.org/dist/v{version}/{asset}"],
    }),
    path: str("A file or folder inside the project (an earlier build step's output); placeholders are filled per target.", {
      patterns: [TEMPLATE, `${RELATIVE}(?![A-Za-z]:)`],
      examples: ["target/{target}/release"],
    }),
    version: str("The upstream release; default: binwheel.lock's, else [project] version.", { patterns: [PATTERNS.version], examples: ["0.3.2"] }),
    tag: str("The release's tag (GitHub, GitLab); {version} and {project_version} only.", {
      default: "v{version}",
      patterns: ["^(?:[^{}]|\\{(?:[vV]ersion|[pP]roject_version)\\})*$"],
      examples: ["v{version}", "jq-{version}"],
    }),
    asset: str("The asset's name template (required for github and gitlab, and for a url with {asset}).", { patterns: [TEMPLATE], examples: ["toondb-{version}-{target}.{archive}"] }),
    assets: tripleMap("Another asset name for some targets.", str("an asset name template", { patterns: [TEMPLATE] }), [{ "universal2-apple-darwin": "toondb-{version}-macos-universal.tar.gz" }]),
    checksums: str("A checksum file covering the assets: a name in the release, or a URL (absolute or relative to the asset's).", { patterns: [TEMPLATE], examples: ["{asset}.sha256", "tool_{version}_checksums.txt"] }),
    sha256: tripleMap("Pinned sha256 of some targets' assets: a download that differs is an error.", str("64 hexadecimal digits", { patterns: [PATTERNS.sha256] }), [{ "x86_64-unknown-linux-gnu": "1e7b14af6ae0e5d7f0c4cb3ee3a8a3f6c4d8e5b7a2f0c9d1e3b5a7c9e1f3a5b7" }]),
    "require-checksum": { type: "boolean", description: "An asset with no known hash is an error instead of a warning.", default: false },
    attestations: {
      type: "choice",
      description: "GitHub artifact attestations (Sigstore) to verify (github sources only).",
      options: [
        str('Verify them when the release has some; warn when it has none.', { choices: { verify: "verify attestations when there are some" } }),
        {
          type: "table",
          description: "With workflow, require one made by that workflow of the upstream repository; without, verify them as \"verify\" does.",
          keys: {
            workflow: str("The signing workflow, owner/repo/.github/workflows/<file>.yml (no @ref).", { patterns: [PATTERNS.workflow], examples: ["toondb/toondb/.github/workflows/release.yml"] }),
            ref: str("Which run's attestations count: \"tag\", a run for the release's own tag, or \"any\" ref (upstreams that attest from a branch).", {
              choices: { tag: "a run for the release's own tag (refs/tags/<tag>)", any: "a run for any ref" },
              default: "tag",
            }),
          },
        },
      ],
    },
    license: str("The upstream binaries' license, an SPDX expression, for the wheel's SBOM.", { examples: ["Apache-2.0"] }),
  },
  schema: {
    oneOf: ["github", "gitlab", "url", "path"].map((k) => present(k)),
    allOf: [
      { if: { anyOf: [present("github"), present("gitlab"), present("url", { type: "string", pattern: "\\{asset\\}" })] }, then: present("asset") },
      { if: present("path"), then: { not: present("checksums") } },
    ],
    dependencies: { attestations: ["github"] },
  },
};

const INCLUDE: TableSpec = {
  type: "table",
  description: "Which archive files go into the wheel, and where.",
  keys: {
    from: str("A glob over the archive's paths (one common top folder dropped).", { patterns: [TEMPLATE, `${RELATIVE}.+$`], examples: ["bin/*", "lib/**", "jq-*"] }),
    to: str("A folder inside one of the packages (not the package folder itself); never the version.", {
      patterns: [TEMPLATE, `${RELATIVE}(?!.*\\{(?:[vV]ersion|[pP]roject_version)\\}).+$`],
      examples: ["toondb/_bin/{platform}"],
    }),
    as: str("A new file name for the rule's one matched file.", { patterns: [TEMPLATE, "^[^/\\\\]+$", `${RELATIVE}.+$`], examples: ["jq{exe}"] }),
    targets: targetGlobs,
  },
  required: ["from", "to"],
};

const SCRIPT: TableSpec = {
  type: "table",
  description: "A command for some targets, or installed differently.",
  keys: {
    executable: str("The executable's file name as it lands in the wheel, without .exe or placeholders.", { patterns: [PATTERNS.executable], examples: ["toondb-server"] }),
    targets: targetGlobs,
    direct: { type: "boolean", description: "Install the executable itself as the command (true) or a launcher (false), overriding commands." },
  },
  required: ["executable"],
};

/** The settings of a target of each OS, named (the schema states each once, as a definition). */
export const TARGET_SPECS: Record<Os, ChoiceSpec> = { linux: targetSpec("linux"), macos: targetSpec("macos"), windows: targetSpec("windows") };

/** [tool.binwheel], whole. */
export const TOOL: TableSpec = {
  type: "table",
  description: "binwheel: ship another project's prebuilt release binaries as Python wheels.",
  keys: {
    packages: {
      type: "array",
      description: "Import packages (folders with __init__.py) or modules to include; default: the project name with - as _, in ./ or ./src.",
      examples: [["toondb"]],
      items: str("an import name", { patterns: [PATTERNS.identifier] }),
    },
    version: {
      type: "table",
      description: "Where a dynamic [project] version comes from: a file's __version__ (or a Cargo.toml), or the upstream release.",
      examples: [{ file: "toondb/__init__.py" }, { upstream: true }],
      keys: {
        file: str("A Python file's __version__, or a Cargo.toml's [package] or [workspace.package] version."),
        upstream: { type: "boolean", description: "The upstream release's version.", only: true },
      },
      schema: { oneOf: [present("file"), present("upstream")] },
    },
    locator: str("A module to generate in the wheel that finds the bundled binaries at run time.", {
      patterns: ["^(?!.*/(?:__init__|__main__|_binwheel_scripts)\\.py$)[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*/[A-Za-z_][A-Za-z0-9_]*\\.py$"],
      examples: ["toondb/_binaries.py"],
    }),
    upstream: UPSTREAM,
    targets: {
      type: "table",
      description: "The target triples this project ships, each with its platform tags (\"auto\": from the binaries).",
      examples: [{ "x86_64-unknown-linux-gnu": "auto", "aarch64-apple-darwin": "auto", "x86_64-pc-windows-msvc": "auto" }],
      keys: Object.fromEntries(KNOWN_TRIPLES.map((triple) => [triple, TARGET_SPECS[targetInfo(triple)!.os]])),
    },
    include: { type: "array", description: "[[tool.binwheel.include]] rules: archive files into the wheel.", items: INCLUDE },
    scripts: {
      type: "map",
      description: "Console commands that run a bundled executable (<name>.exe on Windows).",
      examples: [{ "toondb-bulk": "toondb-bulk", "toondb-server": { executable: "toondb-server", targets: ["*-linux-*", "*-apple-darwin"] } }],
      names: { patterns: [PATTERNS.command, `^(?!${caseless(RESERVED_COMMANDS)}$)`] },
      values: { type: "choice", description: "The executable's name, or a table.", options: [str("The executable's file name as it lands in the wheel.", { patterns: [PATTERNS.executable] }), SCRIPT] },
    },
    commands: str("How scripts are installed.", {
      default: "launcher",
      choices: {
        launcher: "the executables stay in the package, run by a small launcher",
        direct: "each executable is the command itself",
      },
    }),
    main: str("The command `python -m <package>` runs (a generated __main__.py); one every target's wheel has.", { patterns: [PATTERNS.command], examples: ["toondb-bulk"] }),
    exclude: globs("Globs of package files never to put in a wheel or the sdist, as the paths land in the wheel.", [["toondb/_bin/darwin-arm64/**"]]),
    sdist: {
      type: "table",
      description: "Files to add to or leave out of the sdist (globs relative to the project root).",
      keys: { include: globs("Extra files for the sdist.", [["tests/**/*.py"]]), exclude: globs("Files to leave out of the sdist.", [["docs/**"]]) },
    },
  },
  schema: {
    dependencies: { upstream: ["targets", "include"], targets: ["upstream"], include: ["upstream"], scripts: ["upstream"], locator: ["upstream"], main: ["scripts"] },
  },
};

/** The spec of `[tool.binwheel]`'s table at `keys` (e.g. ["upstream"]), for the reader's Table. */
export function specAt(...keys: string[]): TableSpec {
  let spec: KeySpec = TOOL;
  for (const key of keys) {
    if (spec.type !== "table") throw new Error(`config/spec.ts: ${keys.join(".")} is not a table`);
    spec = spec.keys[key]!;
  }
  if (spec.type !== "table") throw new Error(`config/spec.ts: ${keys.join(".")} is not a table`);
  return spec;
}
