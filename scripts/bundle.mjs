// Bundles the TypeScript executable into one file inside the Python package, so that building a
// wheel never needs `npm install`; also bundles the demo and the benchmark into dist/.
//
// Libraries only some runs need go into files of their own (see BESIDE), imported on demand.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// Some bundled dependencies are CommonJS and call require() for Node built-ins.
const requireShim =
  "import { createRequire as __binwheelCreateRequire } from 'node:module';\n" +
  "const require = __binwheelCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  // The CycloneDX library's optional plug-ins (XML, schema validation), which binwheel does not
  // use: it tries each with require() and carries on without it.
  external: ["xmlbuilder2", "libxmljs2", "ajv", "ajv-formats", "ajv-formats-draft2019"],
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "none",
  logLevel: "warning",
  banner: { js: requireShim },
};

// Libraries only some runs need, each in a file of its own beside the module that imports it:
// parsing them on every start would cost what Node's own start-up costs. undici (1 MB) is needed
// only behind a proxy; the Sigstore libraries only for attestations; CycloneDX for wheels' SBOMs.
const BESIDE = [
  { filter: /^undici$/, entry: "undici", file: "_undici.mjs" },
  { filter: /sigstore-libraries\.js$/, entry: "src/upstream/trust/sigstore-libraries.ts", file: "_sigstore.mjs" },
  { filter: /sbom-libraries\.js$/, entry: "src/wheel/sbom-libraries.ts", file: "_sbom.mjs" },
];
const beside = {
  name: "beside",
  setup(b) {
    for (const { filter, file } of BESIDE) b.onResolve({ filter }, () => ({ path: `./${file}`, external: true }));
  },
};

await build({
  ...common,
  entryPoints: ["backend/main.ts"],
  outfile: "python_shim/binwheel/_core.mjs",
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  plugins: [beside],
});


// Development entry points (not shipped): the demo and the benchmark.
await build({
  ...common,
  entryPoints: { demo: "scripts/demo.ts", bench: "bench/run.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  plugins: [beside],
});

for (const dir of ["python_shim/binwheel", "dist"]) {
  for (const { entry, file } of BESIDE) await build({ ...common, entryPoints: [entry], outfile: `${dir}/${file}` });
}

// The compression engine is loaded from beside the module that uses it (src/codec/codec.ts).
for (const dir of ["python_shim/binwheel", "dist"]) copyFileSync("src/codec/codec.wasm", `${dir}/codec.wasm`);

// [tool.binwheel]'s JSON Schema, made from the reader's own spec (src/config/spec.ts): committed in
// SchemaStore's form (schemas/partial-binwheel.json; test/unit/schema.test.ts fails when it is not
// current) and shipped in the Python package for the validate-pyproject plugin.
await build({ ...common, banner: {}, entryPoints: ["src/config/schema.ts"], outfile: "dist/schema.mjs" });
const { toolSchema } = await import(new URL("../dist/schema.mjs", import.meta.url).href);
const schema = `${JSON.stringify(toolSchema(), null, 2)}\n`;
mkdirSync("schemas", { recursive: true });
writeFileSync("schemas/partial-binwheel.json", schema);
writeFileSync("python_shim/binwheel/tool-binwheel.schema.json", schema);
