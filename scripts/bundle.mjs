// Bundles the TypeScript executable into one file inside the Python package, so that
// building a wheel never needs `npm install`; also bundles the demo and benchmarks into dist/.
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
};

await build({
  ...common,
  entryPoints: ["backend/main.ts"],
  outfile: "python_shim/binwheel/_core.mjs",
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});

// Development entry points (not shipped): the demo and the benchmarks.
await build({
  ...common,
  entryPoints: { demo: "scripts/demo.ts", "bench-large-asset": "bench/large-asset.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  banner: { js: requireShim },
});
