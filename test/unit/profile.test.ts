import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deflateStream } from "../../src/codec/deflate.js";
import { BLOCK } from "../../src/codec/libdeflate.js";
import { record, spent, startProfile, writeProfile } from "../../src/profile.js";
import { tempDir } from "../support/tmp.js";

/** The JSON lines a profile file holds. */
const linesOf = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));

// One file: the profile is the process's, off until startProfile (as backend/main.ts does with BINWHEEL_PROFILE).
describe("BINWHEEL_PROFILE's figures", () => {
  it("records nothing and writes nothing while off", () => {
    const file = path.join(tempDir(), "profile.jsonl");
    record("phase: project", 5);
    spent("members: sha256 and CRC-32", performance.now() - 5);
    writeProfile(file, "build");
    expect(existsSync(file)).toBe(false);
  });

  it("sums each stage, notes the peak memory at each phase, and appends one line per process", async () => {
    startProfile();
    const file = path.join(tempDir(), "profile.jsonl");
    record("phase: project", 2);
    record("phase: project", 3);
    spent("gunzip: inflate", performance.now() - 7);
    // Two blocks and a bit of repetitive text and random bytes: the pool's own timings.
    const data = Buffer.concat([Buffer.from("toondb profile ".repeat(BLOCK / 10)), Buffer.alloc(BLOCK, 1)]);
    await deflateStream((async function* () { yield data; })(), () => {});
    writeProfile(file, "build --target x");
    writeProfile(file, "again");

    const [line, again] = linesOf(file);
    expect(again.command).toBe("again");
    expect(line).toMatchObject({ command: "build --target x", node: process.version });
    expect(line.stages["phase: project"]).toEqual({ ms: 5, count: 2, maxRssMiB: expect.any(Number) });
    expect(line.stages["phase: project"].maxRssMiB).toBeGreaterThan(10);
    expect(line.stages["gunzip: inflate"].count).toBe(1);
    expect(line.stages["gunzip: inflate"].ms).toBeGreaterThanOrEqual(7);
    expect(line.stages["gunzip: inflate"].maxRssMiB).toBeUndefined();
    // Every block is compressed once, on a worker or here: the data's 2 full blocks and the final (short) one.
    const blocks = Math.floor(data.length / BLOCK) + 1;
    expect((line.stages["deflate (workers)"]?.count ?? 0) + (line.stages["deflate (this thread)"]?.count ?? 0)).toBe(blocks);
    expect(line.stages["members: sha256 and CRC-32"].count).toBe(1);
    // The process's times and every thread's CPU (Linux's /proc), this thread first.
    expect(line.wallMs).toBeGreaterThan(0);
    expect(line.userMs).toBeGreaterThan(0);
    expect(line.maxRssMiB).toBeGreaterThanOrEqual(line.stages["phase: project"].maxRssMiB);
    expect(line.threads.length).toBeGreaterThan(1);
    expect(line.threads[0]).toBeGreaterThan(0);
  });
});
