// `{placeholder}` templates in pyproject.toml (tags, asset names, URLs, include paths). A name
// with a capital first letter is the title-cased value of its lowercase twin (`{Goos}` is
// "Linux" where `{goos}` is "linux"), as GoReleaser's `title` writes names.
import { fail, redactUrl } from "../errors.js";

/** Placeholders every target fills (plan/target-plan.ts gives their values); `vars` add more. */
export const TARGET_PLACEHOLDERS = [
  "version", "project_version", "target", "os", "arch", "platform", "archive", "goos", "goarch", "exe",
] as const;

export type Values = Record<string, string>;

/** The placeholder names `template` uses, as written. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
}

/** The lowercase twin of a title-cased placeholder name (`Goos` -> `goos`). */
const untitled = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const titled = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

/**
 * Fails, naming `key`, when `template` has an unmatched brace or uses a placeholder that is not
 * in `allowed` (title-cased forms of allowed names are allowed too).
 */
export function checkTemplate(template: string, allowed: readonly string[], key: string): void {
  for (const name of placeholdersOf(template)) {
    if (!allowed.includes(name) && !allowed.includes(untitled(name))) {
      fail(`pyproject.toml: ${key} uses the placeholder {${name}}, which is not available here. Available: ${allowed.map((p) => `{${p}}`).join(", ")} (and their title-cased forms such as {Goos}).`);
    }
  }
  // A URL template may hold a login with a space in it, which redact() cannot see the end of.
  const shown = /^[a-z][a-z0-9+.-]*:/i.test(template) ? redactUrl(template) : template;
  if (/[{}]/.test(template.replace(/\{([^{}]*)\}/g, ""))) fail(`pyproject.toml: ${key} "${shown}" has an unmatched "{" or "}".`);
}

/** Replaces each `{name}` with its value; templates were checked when the config was read. */
export function expand(template: string, values: Values): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const value = values[name] ?? (values[untitled(name)] !== undefined ? titled(values[untitled(name)]!) : undefined);
    return value ?? whole;
  });
}

/**
 * An upstream version, checked where it enters (a -C setting, an environment variable or
 * pyproject.toml): it fills {version} in tags, asset names and wheel paths, so it is one name of
 * safe characters, never a path. Returns it unchanged.
 */
export const UPSTREAM_VERSION = "^[A-Za-z0-9][A-Za-z0-9._+~-]{0,99}$";

export function checkedUpstreamVersion(value: string, source: string): string {
  if (!new RegExp(UPSTREAM_VERSION).test(value)) {
    fail(
      `${source} ${JSON.stringify(value)} is not a usable upstream version: it fills {version} in tags, asset names and paths, ` +
        'so it may hold only letters, digits, ".", "_", "+", "~" and "-", start with a letter or digit, and be at most 100 characters.',
    );
  }
  return value;
}
