// `{placeholder}` templates in pyproject.toml (asset names, tags, include paths).
import { fail } from "./errors.js";

export type Placeholder = "version" | "project_version" | "target" | "os" | "arch" | "platform" | "archive";

export const ALL_PLACEHOLDERS: readonly Placeholder[] = [
  "version", "project_version", "target", "os", "arch", "platform", "archive",
];

/** Fails, naming `key`, when `template` uses a placeholder outside `allowed` or an unclosed brace. */
export function checkTemplate(template: string, allowed: readonly Placeholder[], key: string): void {
  const stripped = template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    if (!(allowed as readonly string[]).includes(name)) {
      fail(`pyproject.toml: ${key} uses the placeholder {${name}}, which is not available here. Available: ${allowed.map((p) => `{${p}}`).join(", ")}.`);
    }
    return "";
  });
  if (/[{}]/.test(stripped)) fail(`pyproject.toml: ${key} "${template}" has an unmatched "{" or "}".`);
}

/** Replaces each `{name}` with its value; templates were checked when the config was read. */
export function expand(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name as Placeholder] ?? whole);
}

/**
 * An upstream version, checked where it enters (a -C setting, an environment variable or
 * pyproject.toml): it fills {version} in tags, asset names and wheel paths, so it is one name of
 * safe characters, never a path. Returns it unchanged.
 */
export function checkedUpstreamVersion(value: string, source: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,99}$/.test(value)) {
    fail(
      `${source} ${JSON.stringify(value)} is not a usable upstream version: it fills {version} in tags, asset names and paths, ` +
        'so it may hold only letters, digits, ".", "_", "+", "~" and "-", start with a letter or digit, and be at most 100 characters.',
    );
  }
  return value;
}
