// The JSON Schema (draft-07, as SchemaStore's pyproject.json and validate-pyproject take it) of
// [tool.binwheel], made from config/spec.ts: the same keys, types, defaults, choices and patterns
// the reader uses, with their descriptions and examples for editors. scripts/bundle.mjs writes it
// to schemas/partial-binwheel.json (SchemaStore's form for a tool.* table) and into the Python
// package (tool-binwheel.schema.json, which the validate-pyproject plugin returns).
import { TARGET_SPECS, TOOL, type KeySpec } from "./spec.js";

/** SchemaStore's address for a tool table's schema: partial-<tool>.json. */
export const SCHEMA_ID = "https://json.schemastore.org/partial-binwheel.json";

type Schema = Record<string, unknown>;

/** Specs the schema states once, under definitions, and refers to. */
const DEFINITIONS = new Map<KeySpec, string>(Object.entries(TARGET_SPECS).map(([os, spec]) => [spec, `${os}-target`]));

export function toolSchema(): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    $comment: "tool.binwheel table in pyproject.toml; generated from binwheel's src/config/spec.ts",
    title: "binwheel",
    ...schemaOf(TOOL),
    definitions: Object.fromEntries([...DEFINITIONS].map(([spec, name]) => [name, schemaOf(spec, false)])),
  };
}

function schemaOf(spec: KeySpec, refer = true): Schema {
  const definition = refer ? DEFINITIONS.get(spec) : undefined;
  if (definition) return { $ref: `#/definitions/${definition}` };
  const doc: Schema = {
    description: spec.description,
    ...("default" in spec && spec.default !== undefined && { default: spec.default }),
    ...(spec.examples && { examples: spec.examples }),
  };
  switch (spec.type) {
    case "string":
      return {
        type: "string",
        ...doc,
        ...(spec.choices && { enum: Object.keys(spec.choices) }),
        ...patterns(spec.patterns),
      };
    case "boolean":
      return { type: "boolean", ...doc, ...(spec.only !== undefined && { const: spec.only }) };
    case "array":
      return { type: "array", ...doc, items: schemaOf(spec.items) };
    case "table":
      return {
        type: "object",
        ...doc,
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(spec.keys).map(([k, v]) => [k, schemaOf(v)])),
        ...(spec.required && { required: spec.required }),
        ...spec.schema,
      };
    case "map":
      return {
        type: "object",
        ...doc,
        propertyNames: {
          ...(spec.names.choices && { enum: spec.names.choices }),
          ...patterns(spec.names.patterns),
          ...(spec.names.not && { not: { enum: spec.names.not } }),
        },
        additionalProperties: schemaOf(spec.values),
      };
    case "choice":
      return { ...doc, oneOf: spec.options.map((o) => schemaOf(o)) };
  }
}

/** One pattern as `pattern`; several (all must match) as an allOf. */
function patterns(list: string[] | undefined): Schema {
  if (!list?.length) return {};
  if (list.length === 1) return { pattern: list[0] };
  return { allOf: list.map((pattern) => ({ pattern })) };
}
