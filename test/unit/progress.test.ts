// Download progress as a user sees it: on a terminal (the output replayed on a small terminal
// emulator: what stays on screen), and in a log (the plain lines), with a clock the test moves.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { info, setLogSink, setVerbosity, warn } from "../../src/log.js";
import { downloadProgress, duration, running, size } from "../../src/upstream/progress.js";
import { quietSink } from "../support/quiet-log.js";
import { screen } from "../support/terminal.js";

let written = "";
beforeEach(() => {
  written = "";
  setLogSink((text) => void (written += text));
});
afterEach(() => {
  setLogSink(quietSink);
  setVerbosity("normal");
});

const MiB = 1 << 20;

describe("on a terminal", () => {
  it("keeps one live line per running download below the messages, and leaves no debris", () => {
    let now = 0;
    const clock = () => now;
    const a = downloadProgress("a.tar.gz", 91 * MiB, clock, true);
    const b = downloadProgress("b.tar.gz", undefined, clock, true);
    now = 1500;
    a.update(90 * MiB);
    b.update(512 * 1024, 2 * MiB);
    expect(screen(written)).toEqual([
      "binwheel: a.tar.gz  90.0 MiB of 91.0 MiB (98%), 60.0 MiB/s, 0.0 s left",
      "binwheel: b.tar.gz  512.0 KiB of 2.0 MiB (25%), 341.3 KiB/s, 5 s left",
    ]);
    info("a message from another build");
    now = 1700;
    a.update(91 * MiB - 1); // a shorter line than before: nothing of the old one may stay
    now = 2000;
    b.update(1 * MiB);
    warn("something to say");
    now = 3000;
    a.done(91 * MiB);
    expect(screen(written)).toEqual([
      "binwheel: a message from another build",
      "binwheel: warning: something to say",
      "binwheel: downloaded a.tar.gz: 91.0 MiB in 3 s (30.3 MiB/s)",
      "binwheel: b.tar.gz  1.0 MiB of 2.0 MiB (50%), 512.0 KiB/s, 2 s left",
    ]);
    b.stop();
    expect(screen(written)).toEqual([
      "binwheel: a message from another build",
      "binwheel: warning: something to say",
      "binwheel: downloaded a.tar.gz: 91.0 MiB in 3 s (30.3 MiB/s)",
    ]);
    expect(written).not.toMatch(/MiBB|%%/);
  });

  it("shows nothing in the first second, and starts again after a retry", () => {
    let now = 0;
    const p = downloadProgress("a.tar.gz", 10 * MiB, () => now, true);
    now = 900;
    p.update(9 * MiB);
    expect(written).toBe("");
    now = 1200;
    p.update(1 * MiB); // fewer bytes: a new attempt, timed from here
    expect(written).toBe("");
    now = 2400;
    p.update(2 * MiB);
    expect(screen(written)).toEqual(["binwheel: a.tar.gz  2.0 MiB of 10.0 MiB (20%), 1.7 MiB/s, 5 s left"]);
    p.stop();
    expect(screen(written)).toEqual([]);
  });
});

describe("in a log", () => {
  it("prints a plain line at each tenth, or after 5 s, then the size and time", () => {
    let now = 0;
    const p = downloadProgress("a.tar.gz", 100 * MiB, () => now, false);
    for (let i = 1; i <= 100; i++) {
      now = i * 100;
      p.update(i * MiB);
    }
    p.done(100 * MiB);
    expect(written.split("\n").filter(Boolean)).toEqual([
      "binwheel: a.tar.gz: 10.0 MiB of 100.0 MiB (10%), 10.0 MiB/s, 9 s left",
      "binwheel: a.tar.gz: 20.0 MiB of 100.0 MiB (20%), 10.0 MiB/s, 8 s left",
      "binwheel: a.tar.gz: 30.0 MiB of 100.0 MiB (30%), 10.0 MiB/s, 7 s left",
      "binwheel: a.tar.gz: 40.0 MiB of 100.0 MiB (40%), 10.0 MiB/s, 6 s left",
      "binwheel: a.tar.gz: 50.0 MiB of 100.0 MiB (50%), 10.0 MiB/s, 5 s left",
      "binwheel: a.tar.gz: 60.0 MiB of 100.0 MiB (60%), 10.0 MiB/s, 4 s left",
      "binwheel: a.tar.gz: 70.0 MiB of 100.0 MiB (70%), 10.0 MiB/s, 3 s left",
      "binwheel: a.tar.gz: 80.0 MiB of 100.0 MiB (80%), 10.0 MiB/s, 2 s left",
      "binwheel: a.tar.gz: 90.0 MiB of 100.0 MiB (90%), 10.0 MiB/s, 1 s left",
      "binwheel: downloaded a.tar.gz: 100.0 MiB in 10 s (10.0 MiB/s)",
    ]);
    expect(written).not.toContain("\x1b");
  });

  it("prints every 5 s when the size is unknown or the download slow", () => {
    let now = 0;
    const p = downloadProgress("a.bin", undefined, () => now, false);
    for (let s = 1; s <= 12; s++) {
      now = s * 1000;
      p.update(s * 100_000);
    }
    expect(written.split("\n").filter(Boolean)).toEqual(["binwheel: a.bin: 488.3 KiB, 97.7 KiB/s", "binwheel: a.bin: 976.6 KiB, 97.7 KiB/s"]);
  });

  it("says nothing with -q", () => {
    setVerbosity("quiet");
    let now = 0;
    const p = downloadProgress("a.tar.gz", 100 * MiB, () => now);
    now = 5000;
    p.update(50 * MiB);
    p.done(100 * MiB);
    expect(written).toBe("");
  });
});

it("words sizes and times", () => {
  expect([size(512), size(1536), size(5 * MiB), size(3 * 1024 * MiB)]).toEqual(["512 B", "1.5 KiB", "5.0 MiB", "3.00 GiB"]);
  expect([duration(400), duration(59_400), duration(125_000)]).toEqual(["0.4 s", "59 s", "2 min 05 s"]);
  expect(running(0, 10, 0)).toBe("0 B of 10 B (0%)");
});
