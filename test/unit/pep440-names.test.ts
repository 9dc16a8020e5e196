import { describe, expect, it } from "vitest";
import { escapedName, isValidProjectName, normalizeName } from "../../src/python/names.js";
import { isLocalVersion, normalizeVersion } from "../../src/python/pep440.js";

describe("normalizeVersion (str(packaging.version.Version(v)))", () => {
  it.each([
    ["1.0", "1.0"],
    ["1.0.0", "1.0.0"],
    ["v1.0", "1.0"],
    ["1.0-1", "1.0.post1"],
    ["1.0RC1", "1.0rc1"],
    ["1.0c1", "1.0rc1"],
    ["1.0-preview-2", "1.0rc2"],
    ["1.0alpha", "1.0a0"],
    ["1.0-beta.3", "1.0b3"],
    ["2024.01.05", "2024.1.5"],
    ["1.0+Ubuntu-1", "1.0+ubuntu.1"],
    ["1.0+abc.007", "1.0+abc.7"],
    ["0!1.0", "1.0"],
    ["1!2.0.post3.dev4", "1!2.0.post3.dev4"],
    ["1.0-dev", "1.0.dev0"],
    ["1.0.r4", "1.0.post4"],
    ["  1.2  ", "1.2"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });

  it.each(["", "bogus", "1.0.", "1..0", "1.0+", "1.0-", "01-02-03x"])("rejects %j", (input) => {
    expect(normalizeVersion(input)).toBeNull();
  });

  it("spots local versions", () => {
    expect(isLocalVersion("1.0+ubuntu.1")).toBe(true);
    expect(isLocalVersion("1.0.post1")).toBe(false);
  });
});

describe("names", () => {
  it.each([
    ["toondb-client", "toondb-client", "toondb_client"],
    ["My.Cool-pkg", "my-cool-pkg", "my_cool_pkg"],
    ["a__b--c..d", "a-b-c-d", "a_b_c_d"],
  ])("%s", (name, normalized, escaped) => {
    expect(normalizeName(name)).toBe(normalized);
    expect(escapedName(name)).toBe(escaped);
  });

  it("validates project names", () => {
    expect(isValidProjectName("toondb-client")).toBe(true);
    expect(isValidProjectName("a")).toBe(true);
    expect(isValidProjectName("-a")).toBe(false);
    expect(isValidProjectName("a b")).toBe(false);
    expect(isValidProjectName("café")).toBe(false);
  });
});
