// The command line's framework (backend/args.ts): flags parsed as declared, usage errors with a
// "did you mean", every command's help; the log's colour and verbosity; target triples spelt
// another way; unknown -C keys; tags that overlap between targets.
import { afterEach, describe, expect, it } from "vitest";
import { COMMON_FLAGS, UsageError, commandHelp, parseCommand, parseFlags, type Flags } from "../../backend/args.js";
import { build } from "../../backend/commands/build.js";
import { cache } from "../../backend/commands/cache.js";
import { check } from "../../backend/commands/check.js";
import { initCi } from "../../backend/commands/init-ci.js";
import { lock } from "../../backend/commands/lock.js";
import { release } from "../../backend/commands/release.js";
import { targets } from "../../backend/commands/targets.js";
import { readOptions } from "../../src/config/settings.js";
import { detail, info, setLogSink, setVerbosity, wantsColour } from "../../src/log.js";
import { closestTriple, KNOWN_TRIPLES, targetInfo } from "../../src/platform/triples.js";
import { tagOverlaps } from "../../src/release/artifacts.js";
import { quietSink } from "../support/quiet-log.js";

const FLAGS = {
  target: { type: "string", multiple: true, value: "triple", help: "", choices: KNOWN_TRIPLES, suggest: closestTriple },
  "out-dir": { type: "string", short: "o", help: "" },
  sdist: { type: "boolean", help: "" },
  ...COMMON_FLAGS,
} as const satisfies Flags;

/** The UsageError `run` throws (fails the test if it throws nothing or something else). */
function usage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("expected a usage error");
}

afterEach(() => setVerbosity("normal"));

describe("parsing flags as a command declares them", () => {
  it("reads --name value, --name=value, -o value, -ovalue, grouped booleans, repeats and --", () => {
    const { values, positionals } = parseFlags(
      ["dir", "--target", "x86_64-unknown-linux-gnu", "--target=aarch64-apple-darwin", "-qo", "out", "--sdist", "--", "--not-a-flag"],
      FLAGS, "binwheel build");
    expect(values).toEqual({ target: ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin"], quiet: true, "out-dir": "out", sdist: true });
    expect(positionals).toEqual(["dir", "--not-a-flag"]);
    expect(parseFlags(["-ofolder"], FLAGS, "x").values).toEqual({ "out-dir": "folder" });
  });

  it("says what is wrong, suggests the flag or value meant, and points at the help", () => {
    expect(usage(() => parseFlags(["--targt", "x"], FLAGS, "binwheel build"))).toBe(
      'unknown option --targt; did you mean --target? Run "binwheel build --help" for its options.');
    expect(usage(() => parseFlags(["--out-dir"], FLAGS, "binwheel build"))).toMatch(/^--out-dir needs a value: --out-dir <value>\./);
    // A flag where its value should be is a missing value, not a value.
    expect(usage(() => parseFlags(["--target", "--sdist"], FLAGS, "binwheel build"))).toMatch(/^--target needs a value: --target <triple>/);
    expect(usage(() => parseFlags(["--sdist=yes"], FLAGS, "binwheel build"))).toMatch(/^--sdist takes no value \(got "yes"\)/);
    expect(usage(() => parseFlags(["-x"], FLAGS, "binwheel build"))).toMatch(/^unknown option -x\./);
    expect(usage(() => parseFlags(["--frobnicate"], FLAGS, "binwheel build"))).toMatch(/^unknown option --frobnicate\. Run/);
    expect(usage(() => parseFlags(["--color", "sometimes"], FLAGS, "binwheel build"))).toMatch(/^--color "sometimes" is not one of the values it takes\. It takes: auto, always, never\./);
  });

  it("suggests the target triple another spelling means", () => {
    const suggested = (given: string) => /did you mean "([^"]+)"/.exec(usage(() => parseFlags(["--target", given], FLAGS, "binwheel build")))?.[1];
    expect(suggested("x86_64-linux-gnu")).toBe("x86_64-unknown-linux-gnu");
    expect(suggested("x86_64-unknown-linux-gnux")).toBe("x86_64-unknown-linux-gnu");
    expect(suggested("aarch64-linux-musl")).toBe("aarch64-unknown-linux-musl");
    expect(suggested("arm64-macos")).toBe("aarch64-apple-darwin");
    expect(suggested("windows-amd64")).toBe("x86_64-pc-windows-msvc");
    expect(suggested("linux-armv7")).toBe("armv7-unknown-linux-gnueabihf");
    expect(suggested("sparc-sun-solaris")).toBeUndefined();
    for (const triple of KNOWN_TRIPLES) expect(closestTriple(triple)).toBe(triple);
  });

  it("checks the number and words of positionals, and -q with -v", () => {
    expect(usage(() => parseCommand(build, ["a", "b"]))).toBe('binwheel build takes one DIR, got "a" "b". Run "binwheel build --help" for its options.');
    expect(usage(() => parseCommand(check, []))).toMatch(/^binwheel check needs FILE\.\.\./);
    expect(usage(() => parseCommand(cache, ["clen"]))).toMatch(/^binwheel cache takes "dir" or "clean", not "clen"; did you mean "clean"\?/);
    expect(usage(() => parseCommand(build, ["-q", "-v"]))).toMatch(/^-q \(--quiet\) and -v \(--verbose\) ask for opposite things/);
    // What each level prints: info and detail (verbose-only) messages, as the log's sink receives them.
    let printed = "";
    setLogSink((text) => void (printed += text));
    const said = (args: string[]) => {
      printed = "";
      parseCommand(build, args);
      info("a step");
      detail("a detail");
      return printed;
    };
    try {
      expect(said(["-q"])).toBe("");
      expect(said([])).toBe("binwheel: a step\n");
      expect(said(["--verbose"])).toBe("binwheel: a step\nbinwheel: a detail\n");
    } finally {
      setLogSink(quietSink);
    }
  });

  it("writes every command's help from its declaration: usage, summary, every flag", () => {
    for (const cmd of [build, release, check, targets, lock, initCi, cache]) {
      const help = commandHelp(cmd);
      expect(help).toMatch(new RegExp(`^usage: binwheel ${cmd.name}`));
      for (const [name, flag] of Object.entries({ ...cmd.flags, ...COMMON_FLAGS })) {
        expect(help, `${cmd.name} --${name}`).toContain(`--${name}`);
        expect(help).toContain(flag.help);
      }
    }
    expect(commandHelp(build)).toContain("--target <triple>");
    expect(commandHelp(build)).toContain("-q, --quiet");
  });
});

describe("colour", () => {
  it("follows --color, then FORCE_COLOR over NO_COLOR (as Node does), then the terminal", () => {
    expect(wantsColour("auto", {}, true)).toBe(true);
    expect(wantsColour("auto", {}, false)).toBe(false);
    expect(wantsColour("auto", { TERM: "dumb" }, true)).toBe(false);
    expect(wantsColour("auto", { NO_COLOR: "1" }, true)).toBe(false);
    expect(wantsColour("auto", { NO_COLOR: "" }, true)).toBe(true);
    expect(wantsColour("auto", { FORCE_COLOR: "1" }, false)).toBe(true);
    expect(wantsColour("auto", { FORCE_COLOR: "0" }, true)).toBe(false);
    expect(wantsColour("auto", { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(wantsColour("never", { FORCE_COLOR: "1" }, true)).toBe(false);
    expect(wantsColour("always", { NO_COLOR: "1" }, false)).toBe(true);
  });
});

describe("-C settings", () => {
  it("refuses an unknown key with a did-you-mean, and setuptools' option keys with what to use instead", () => {
    expect(() => readOptions({ targt: "x86_64-pc-windows-msvc" }, {})).toThrow(/^unknown config setting -C targt; did you mean "target"\? binwheel knows -C target=\.\.\., -C upstream-version=\.\.\./);
    expect(() => readOptions({ "--build-option": ["--plat-name", "win_amd64"] }, {})).toThrow(/-C --build-option \(--build-option is how setuptools passes command-line options; binwheel has none: for another platform's wheel use -C target=<triple>\)/);
    expect(() => readOptions({ editable_mode: "compat" }, {})).toThrow(/^unknown config setting -C editable_mode\. binwheel knows/);
    expect(readOptions({ target: "x86_64-pc-windows-msvc", verbose: "" }, {})).toMatchObject({ target: "x86_64-pc-windows-msvc", verbose: true });
  });
});

describe("tags that overlap between targets", () => {
  const t = (triple: string, tags?: string[]) => ({ target: targetInfo(triple)!, ...(tags && { tags }) });

  it("names targets with the same tags, or some shared, and warns of gnu and musl targets not yet fetched", () => {
    const statics = ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_1_x86_64"];
    const [same] = tagOverlaps([t("x86_64-unknown-linux-gnu", statics), t("x86_64-unknown-linux-musl", statics)]);
    expect(same).toMatch(/^x86_64-unknown-linux-gnu and x86_64-unknown-linux-musl have the same tags \(manylinux_2_17_x86_64\.manylinux2014_x86_64\.musllinux_1_1_x86_64\): they build one wheel name/);
    const [shared] = tagOverlaps([t("x86_64-apple-darwin", ["macosx_10_12_x86_64"]), t("universal2-apple-darwin", ["macosx_10_12_x86_64", "macosx_11_0_arm64", "macosx_10_12_universal2"])]);
    expect(shared).toMatch(/^x86_64-apple-darwin and universal2-apple-darwin share macosx_10_12_x86_64: an installer/);
    expect(tagOverlaps([t("x86_64-unknown-linux-gnu"), t("x86_64-unknown-linux-musl")])[0]).toMatch(/get the same tags if their binaries are static/);
    expect(tagOverlaps([t("x86_64-unknown-linux-gnu"), t("aarch64-unknown-linux-musl"), t("x86_64-pc-windows-msvc", ["win_amd64"])])).toEqual([]);
    expect(tagOverlaps([t("x86_64-unknown-linux-gnu", ["manylinux_2_17_x86_64"]), t("x86_64-unknown-linux-musl", ["musllinux_1_2_x86_64"])])).toEqual([]);
  });
});
