import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { takingTurns } from "../../src/wheel/turns.js";

describe("takingTurns", () => {
  it("runs one piece of work at a time, in the order asked, and a failure does not stop the next", async () => {
    const turns = takingTurns();
    const events: string[] = [];
    let running = 0;
    const work = (name: string, ms: number, fails = false) => async () => {
      running++;
      events.push(`${name} starts with ${running} running`);
      await sleep(ms);
      running--;
      events.push(`${name} ends`);
      if (fails) throw new Error(`${name} failed`);
      return name;
    };
    // The first takes longest: without turns, the others would start and end before it ends.
    const results = await Promise.allSettled([turns(work("a", 40)), turns(work("b", 5, true)), turns(work("c", 1))]);
    expect(results).toEqual([
      { status: "fulfilled", value: "a" },
      { status: "rejected", reason: new Error("b failed") },
      { status: "fulfilled", value: "c" },
    ]);
    expect(events).toEqual(["a starts with 1 running", "a ends", "b starts with 1 running", "b ends", "c starts with 1 running", "c ends"]);
  });

  it("keeps separate queues apart: scans and downloads each take turns, not with each other", async () => {
    const scans = takingTurns();
    const downloads = takingTurns();
    let running = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++running);
      await sleep(10);
      running--;
    };
    await Promise.all([scans(work), downloads(work)]);
    expect(most).toBe(2);
  });
});
