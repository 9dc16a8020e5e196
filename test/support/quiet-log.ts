// Test setup (vitest setupFiles): binwheel's messages from builds run inside the test process are
// not printed into the test output. A test that asserts on them spies on process.stderr.write, as
// before, and gets every message while its spy is in place.
import { vi } from "vitest";
import { setLogSink } from "../../src/log.js";

/** The sink the tests run with; a test that sets its own puts this one back. */
export function quietSink(text: string): void {
  if (vi.isMockFunction(process.stderr.write)) process.stderr.write(text);
}

setLogSink(quietSink);
