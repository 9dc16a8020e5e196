import { describe, expect, it } from "vitest";
import { parseRequirement, withExtra } from "../../src/python/requirements.js";
import { canonicalizeLicenseExpression } from "../../src/python/spdx.js";

describe("canonicalizeLicenseExpression", () => {
  it.each([
    ["mit", "MIT"],
    ["apache-2.0 or mit", "Apache-2.0 OR MIT"],
    ["(MIT OR Apache-2.0) AND bsd-3-clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"],
    ["gpl-2.0-or-later with classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0"],
    ["LicenseRef-ToonDB-Proprietary", "LicenseRef-ToonDB-Proprietary"],
    ["licenseref-x or mit", "LicenseRef-x OR MIT"],
    ["Apache-1.0+", "Apache-1.0+"],
  ])("%s -> %s", (input, expected) => {
    expect(canonicalizeLicenseExpression(input)).toBe(expected);
  });

  it.each([
    ["", /empty/],
    ["Apache 2.0", /not an SPDX license identifier|unexpected/],
    ["MIT AND", /ends/],
    ["(MIT", /parenthesis/],
    ["MIT WITH Nope", /exception/],
    ["MIT MIT", /unexpected "MIT"/],
  ])("rejects %j", (input, message) => {
    expect(() => canonicalizeLicenseExpression(input)).toThrow(message);
  });
});

describe("parseRequirement", () => {
  it.each([
    "requests",
    "requests>=2.8.1",
    "requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < '2.7'",
    "name(>=1.0,<2)",
    'pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686 ; python_version >= "3.9"',
    "grpcio>=1.60; python_version >= '3.9' and (sys_platform == 'linux' or os_name == \"nt\")",
    "foo; platform_machine not in 'x86_64 aarch64'",
  ])("accepts %s", (text) => {
    expect(() => parseRequirement(text)).not.toThrow();
  });

  it.each([
    ["", /not a valid PEP 508/],
    [">=1.0", /not a valid PEP 508/],
    ["foo bar", /not a valid PEP 508/],
    ["foo>=", /not a valid PEP 508/],
    ["foo; python_version", /comparison operator/],
    ["foo; pyton_version >= '3'", /not a marker variable/],
    ["foo; (python_version >= '3'", /parenthesis/],
    ["foo; python_version >= '3' and", /ends too early/],
  ])("rejects %j", (text, message) => {
    expect(() => parseRequirement(text)).toThrow(message);
  });

  it("adds the extra marker, keeping an existing marker apart", () => {
    expect(withExtra(parseRequirement("grpcio>=1.60"), "grpc")).toBe('grpcio>=1.60; extra == "grpc"');
    expect(withExtra(parseRequirement("a; os_name == 'nt' or os_name == 'posix'"), "x")).toBe(
      `a; (os_name == 'nt' or os_name == 'posix') and extra == "x"`,
    );
    expect(withExtra(parseRequirement("pip @ https://example.com/pip.zip"), "x")).toBe('pip @ https://example.com/pip.zip ; extra == "x"');
  });
});
