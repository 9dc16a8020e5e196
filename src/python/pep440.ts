// PEP 440 version normalization, the same as `str(packaging.version.Version(v))`.
// Written here because @renovatebot/pep440's clean() renders local versions wrongly
// ("1.0+Ubuntu-1" -> "1.0+ubuntu,1"); the grammar is packaging's VERSION_PATTERN.

const VERSION = new RegExp(
  "^\\s*v?" +
    "(?:(?<epoch>[0-9]+)!)?" +
    "(?<release>[0-9]+(?:\\.[0-9]+)*)" +
    "(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?" +
    "(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?" +
    "(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?" +
    "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?" +
    "\\s*$",
  "i",
);

const PRE_LABEL: Record<string, string> = {
  a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc",
};

const int = (digits: string | undefined): string => BigInt(digits ?? "0").toString();

/** The normalized form of `version`, or null when it is not a valid PEP 440 version. */
export function normalizeVersion(version: string): string | null {
  const g = VERSION.exec(version)?.groups;
  if (!g) return null;
  let out = "";
  if (g.epoch && int(g.epoch) !== "0") out += `${int(g.epoch)}!`;
  out += g.release!.split(".").map(int).join(".");
  if (g.pre) out += PRE_LABEL[g.preL!.toLowerCase()]! + int(g.preN);
  if (g.post) out += `.post${int(g.postN1 ?? g.postN2)}`;
  if (g.dev) out += `.dev${int(g.devN)}`;
  if (g.local) {
    const parts = g.local.toLowerCase().split(/[-_.]/);
    out += "+" + parts.map((p) => (/^[0-9]+$/.test(p) ? int(p) : p)).join(".");
  }
  return out;
}

/** True for a normalized version with a local label (`+...`), which PyPI rejects. */
export function isLocalVersion(normalized: string): boolean {
  return normalized.includes("+");
}

/** `1.2`, `v1!2.3`: epoch and release only, the part before a `.*` wildcard. */
const RELEASE_PREFIX = /^v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*$/i;

/**
 * Why `text` is not a PEP 440 specifier set (comma-separated clauses such as `>=3.9,!=3.9.1`),
 * or undefined when it is one. The rules are packaging's Specifier: `.*` only after `==`/`!=`,
 * local versions only with `==`/`!=`, `~=` needs two release numbers, `===` takes any string.
 */
export function specifierSetError(text: string): string | undefined {
  for (const clause of text.split(",")) {
    const m = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S*)\s*$/.exec(clause);
    if (!m) return `"${clause.trim()}" is not a version specifier (an operator such as >=, ==, ~= or < followed by a version)`;
    const op = m[1]!;
    const version = m[2]!;
    if (op === "===") {
      if (version === "") return `"${clause.trim()}" has no version`;
      continue;
    }
    const wildcard = version.endsWith(".*");
    const normalized = wildcard ? null : normalizeVersion(version);
    const valid = wildcard
      ? (op === "==" || op === "!=") && RELEASE_PREFIX.test(version.slice(0, -2))
      : normalized !== null &&
        (op === "==" || op === "!=" || !isLocalVersion(normalized)) &&
        (op !== "~=" || /^(?:[0-9]+!)?[0-9]+\.[0-9]+/.test(normalized));
    if (!valid) return `"${clause.trim()}" is not a valid version specifier`;
  }
  return undefined;
}
