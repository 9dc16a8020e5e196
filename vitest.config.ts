import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // binwheel's own messages from in-process builds stay out of the test output (tests that assert on them still see them).
    setupFiles: ["test/support/quiet-log.ts"],
    // End-to-end tests run pip, venvs and compilers: give them room, and keep CPU use to 2 cores.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
  },
});
