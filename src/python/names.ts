// Project and extra names (PEP 503 / PEP 685) and the escaped forms used in file names.

const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}

/** PEP 503 normalization: lowercase, every run of `-_.` becomes `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** The distribution part of wheel, sdist and .dist-info names: `My.Cool-pkg` -> `my_cool_pkg`. */
export function escapedName(name: string): string {
  return normalizeName(name).replace(/-/g, "_");
}

/** Extra names are normalized like project names (PEP 685). */
export const normalizeExtra = normalizeName;

/**
 * A console command's name becomes a file name in the environment's scripts folder: letters,
 * digits, "_", "." and "-", starting with a letter, digit or "_" (so never "." or "..").
 */
export const COMMAND_NAME = "^[A-Za-z0-9_][\\w.-]*$";

export function isValidCommandName(name: string): boolean {
  return new RegExp(COMMAND_NAME).test(name);
}

/** Command names that would shadow the interpreter or pip in an environment's scripts folder (uv refuses them), any case. */
export const RESERVED_COMMANDS = "(python|python3|python3\\.\\d+|pythonw|pypy.*|graalpy.*|pip|pip3|pip3\\.\\d+)(\\.exe)?";

export function isReservedCommand(name: string): boolean {
  return new RegExp(`^${RESERVED_COMMANDS}$`, "i").test(name);
}
