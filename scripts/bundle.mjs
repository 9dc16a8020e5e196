// Bundles the TypeScript executable into one file inside the Python package, so that
// building a wheel never needs `npm install`; also bundles the demo for `npm run demo`.
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

await build({
  ...common,
  entryPoints: ["scripts/demo.ts"],
  outfile: "dist/demo.mjs",
  banner: { js: requireShim },
});
