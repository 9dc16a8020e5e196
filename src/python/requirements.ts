// PEP 508 dependency specifiers: checked before they reach METADATA (pip rejects a wheel with a
// malformed Requires-Dist only at install time), and split so optional dependencies can get
// their `extra == "..."` marker. Version specifiers are checked by pep440's specifierSetError.
import { specifierSetError } from "./pep440.js";

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const EXTRAS = `\\[\\s*(?:${NAME}(?:\\s*,\\s*${NAME})*)?\\s*\\]`;
const VERSION_ONE = "(?:~=|===|==|!=|<=|>=|<|>)\\s*[A-Za-z0-9.*+!_-]+";
const VERSION_SPEC = `${VERSION_ONE}(?:\\s*,\\s*${VERSION_ONE})*`;
const REQUIREMENT = new RegExp(
  `^\\s*(?<name>${NAME})\\s*(?:${EXTRAS})?\\s*` +
    `(?:@\\s*(?<url>\\S+)|\\(\\s*(?<parenthesized>${VERSION_SPEC})\\s*\\)|(?<specifiers>${VERSION_SPEC}))?\\s*$`,
);

const MARKER_VARIABLES = new Set([
  "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
  "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
  "implementation_name", "implementation_version", "extra", "extras", "dependency_groups",
  // PEP 508 lists these dotted aliases as deprecated but still accepted by packaging.
  "os.name", "sys.platform", "platform.version", "platform.machine",
  "platform.python_implementation", "python_implementation",
]);
const MARKER_TOKEN = /\s*(?:(?<lp>\()|(?<rp>\))|(?<str>'[^']*'|"[^"]*")|(?<op>===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(?<bool>and\b|or\b)|(?<word>[A-Za-z_][A-Za-z0-9_.]*))/y;

export interface Requirement {
  /** The part before any `;`, as written. */
  spec: string;
  /** The environment marker after `;`, trimmed, or undefined. */
  marker?: string;
  isUrl: boolean;
}

/** Parses a PEP 508 string; throws an Error saying what is wrong. */
export function parseRequirement(text: string): Requirement {
  // A URL may contain ';', so for URL requirements the marker needs whitespace before it.
  const isUrl = /^[^;]*@/.test(text);
  const cut = isUrl ? text.search(/\s;/) : text.indexOf(";");
  const spec = (cut < 0 ? text : text.slice(0, cut)).trim();
  const marker = cut < 0 ? undefined : text.slice(text.indexOf(";", cut) + 1).trim();
  const groups = REQUIREMENT.exec(spec)?.groups;
  if (!groups) {
    throw new Error(`"${text}" is not a valid PEP 508 requirement (expected a name, optional [extras], then version specifiers or "@ URL")`);
  }
  const specifiers = groups.parenthesized ?? groups.specifiers;
  const why = specifiers === undefined ? undefined : specifierSetError(specifiers);
  if (why) throw new Error(`"${text}" is not a valid PEP 508 requirement: ${why}`);
  if (marker !== undefined) checkMarker(marker, text);
  return marker === undefined ? { spec, isUrl } : { spec, marker, isUrl };
}

/** Renders a requirement with `extra == "<extra>"` added to its marker. */
export function withExtra(req: Requirement, extra: string): string {
  const condition = `extra == "${extra}"`;
  const marker = req.marker ? `(${req.marker}) and ${condition}` : condition;
  return `${req.spec}${req.isUrl ? " " : ""}; ${marker}`;
}

/** Checks marker syntax: `value op value` joined by and/or, with parentheses. */
function checkMarker(marker: string, whole: string): void {
  const bad = (why: string) => new Error(`"${whole}" has an invalid environment marker: ${why}`);
  const tokens: { kind: string; text: string }[] = [];
  MARKER_TOKEN.lastIndex = 0;
  while (MARKER_TOKEN.lastIndex < marker.length) {
    if (/^\s*$/.test(marker.slice(MARKER_TOKEN.lastIndex))) break;
    const m = MARKER_TOKEN.exec(marker);
    if (!m?.groups) throw bad(`unexpected text "${marker.slice(MARKER_TOKEN.lastIndex).trim()}"`);
    const kind = Object.keys(m.groups).find((k) => m.groups![k] !== undefined)!;
    tokens.push({ kind, text: m.groups[kind]! });
  }
  let pos = 0;
  const value = () => {
    const t = tokens[pos++];
    if (t?.kind === "str") return;
    if (t?.kind === "word" && MARKER_VARIABLES.has(t.text)) return;
    throw bad(t ? `"${t.text}" is not a marker variable or a quoted string` : "it ends too early");
  };
  const atom = (): void => {
    if (tokens[pos]?.kind === "lp") {
      pos++;
      expr();
      if (tokens[pos++]?.kind !== "rp") throw bad("a parenthesis is not closed");
      return;
    }
    value();
    if (tokens[pos++]?.kind !== "op") throw bad("a comparison operator is missing");
    value();
  };
  const expr = (): void => {
    atom();
    while (tokens[pos]?.kind === "bool") { pos++; atom(); }
  };
  if (tokens.length === 0) throw bad("it is empty");
  expr();
  if (pos < tokens.length) throw bad(`unexpected "${tokens[pos]!.text}"`);
}
