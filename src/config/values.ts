// Typed reads of TOML values. Every failure names the full key (`[project] authors[1].email`)
// and says what was expected and what was found, so config errors point at one line to fix.
import { closest, fail } from "../errors.js";
import type { KeySpec, MapSpec, TableSpec } from "./spec.js";

export type TomlTable = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (value instanceof Date) return "a date";
  if (typeof value === "object") return "a table";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

type Kind = "string" | "boolean" | "array" | "table";

/**
 * A view of one TOML table that knows its own key path, for error messages. With a spec (the
 * [tool.binwheel] tables, config/spec.ts), its keys are the spec's and reading a key as another
 * type than the spec declares is a bug, caught the first time a test reads it.
 */
export class Table {
  constructor(
    readonly where: string,
    readonly data: TomlTable,
    readonly spec?: TableSpec | MapSpec,
  ) {}

  /** The declared form of `name` that is a `kind` (a choice may allow several), when this table has a spec. */
  private declared(name: string, kind: Kind): KeySpec | undefined {
    if (!this.spec) return undefined;
    const spec = this.spec.type === "table" ? this.spec.keys[name] : this.spec.values;
    const options = spec?.type === "choice" ? spec.options : spec ? [spec] : [];
    const found = options.find((o) => o.type === kind || (kind === "table" && o.type === "map"));
    if (!found) throw new Error(`binwheel bug: ${this.key(name)} is read as a ${kind}, but config/spec.ts declares it ${spec ? `a ${spec.type}` : "not at all"}`);
    return found;
  }

  /** `[project] name`, `[tool.binwheel.upstream] tag`, `[project] authors[0].email`. */
  key(name: string): string {
    return /^\[[^\]]+\]$/.test(this.where) ? `${this.where} ${name}` : `${this.where}.${name}`;
  }

  has(name: string): boolean {
    return this.data[name] !== undefined;
  }

  wrong(name: string, expected: string): never {
    fail(`pyproject.toml: ${this.key(quoteKey(name))} must be ${expected}, but it is ${describe(this.data[name])}.`);
  }

  string(name: string): string | undefined {
    this.declared(name, "string");
    const value = this.data[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") this.wrong(name, "a string");
    return value;
  }

  requiredString(name: string, what = "a string"): string {
    const value = this.string(name);
    if (value === undefined || value.trim() === "") {
      fail(`pyproject.toml: ${this.key(name)} is missing; it must be ${what}.`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    this.declared(name, "boolean");
    const value = this.data[name];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") this.wrong(name, "true or false");
    return value;
  }

  stringArray(name: string): string[] | undefined {
    this.declared(name, "array");
    return this.array(name, "string", (v) => typeof v === "string") as string[] | undefined;
  }

  table(name: string): Table | undefined {
    const spec = this.declared(name, "table") as TableSpec | MapSpec | undefined;
    const value = this.data[name];
    if (value === undefined) return undefined;
    if (!isTable(value)) this.wrong(name, "a table");
    const header = /^\[([^\]]+)\]$/.exec(this.where);
    return new Table(header ? `[${header[1]}.${quoteKey(name)}]` : this.key(name), value, spec);
  }

  /** A table whose values are all strings (e.g. `[project.urls]`). */
  stringTable(name: string): [string, string][] {
    const table = this.table(name);
    if (!table) return [];
    return Object.keys(table.data).map((k): [string, string] => {
      const v = table.data[k];
      return [k, typeof v === "string" ? v : table.wrong(k, "a string")];
    });
  }

  tableArray(name: string): Table[] | undefined {
    const spec = this.declared(name, "array");
    const items = spec?.type === "array" && (spec.items.type === "table" || spec.items.type === "map") ? spec.items : undefined;
    const value = this.array(name, "table", isTable) as TomlTable[] | undefined;
    return value?.map((v, i) => new Table(`${this.key(quoteKey(name))}[${i}]`, v, items));
  }

  /** An array whose items are all `item`s; a wrong item is named by its index (`dependencies[1]`). */
  private array(name: string, item: string, isItem: (v: unknown) => boolean): unknown[] | undefined {
    const value = this.data[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.wrong(name, `an array of ${item}s`);
    const i = value.findIndex((v) => !isItem(v));
    if (i >= 0) fail(`pyproject.toml: ${this.key(quoteKey(name))}[${i}] must be a ${item}, but it is ${describe(value[i])}.`);
    return value;
  }

  /** Fails on keys this table does not define (its spec's, or `known`), suggesting the closest known one. */
  onlyKeys(known: readonly string[] = this.spec?.type === "table" ? Object.keys(this.spec.keys) : []): void {
    for (const k of Object.keys(this.data)) {
      if (known.includes(k)) continue;
      const hint = closest(k, known);
      fail(
        `pyproject.toml: ${this.key(quoteKey(k))} is not a known key` +
          (hint ? `; did you mean "${hint}"?` : ".") +
          ` Known keys here: ${known.join(", ")}.`,
      );
    }
  }
}

/** TOML-quotes a key when it is not a bare key, so messages show what to type. */
export function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
