// Bundles the TypeScript executable into one file inside the Python package, so that building a
// wheel never needs `npm install`; also bundles the demo and the benchmark into dist/.
//
// undici (1 MB, needed only behind a proxy) goes into a file of its own, _undici.mjs, imported
// on demand: parsing it on every start would cost 40 ms, half of Node's own start-up.
import { copyFileSync } from "node:fs";
import { build } from "esbuild";

// Some bundled dependencies are CommonJS and call require() for Node built-ins.
const requireShim =
  "import { createRequire as __binwheelCreateRequire } from 'node:module';\n" +
  "const require = __binwheelCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "none",
  logLevel: "warning",
  banner: { js: requireShim },
};

const undiciBeside = {
  name: "undici-beside",
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: "./_undici.mjs", external: true }));
  },
};

await build({
  ...common,
  entryPoints: ["backend/main.ts"],
  outfile: "python_shim/binwheel/_core.mjs",
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  plugins: [undiciBeside],
});

await build({ ...common, entryPoints: ["undici"], outfile: "python_shim/binwheel/_undici.mjs" });

// Development entry points (not shipped): the demo and the benchmark.
await build({
  ...common,
  entryPoints: { demo: "scripts/demo.ts", bench: "bench/run.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  plugins: [undiciBeside],
});

// The compression engine is loaded from beside the module that uses it (src/codec.ts).
for (const dir of ["python_shim/binwheel", "dist"]) copyFileSync("src/codec.wasm", `${dir}/codec.wasm`);
