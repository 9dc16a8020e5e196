import { describe, expect, it } from "vitest";
import type { ProjectMetadata } from "../../src/config/project.js";
import { formatAddress, renderEntryPoints, renderMetadata } from "../../src/wheel/metadata.js";
import { renderRecord } from "../../src/wheel/record.js";
import { binaryTags, expandTags, renderWheelFile, wheelFileName } from "../../src/wheel/tags.js";

const base: ProjectMetadata = {
  name: "toondb-client",
  version: "0.3.2",
  licenseFiles: [],
  authors: [],
  maintainers: [],
  keywords: [],
  classifiers: [],
  urls: [],
  dependencies: [],
  optionalDependencies: [],
  scripts: [],
  guiScripts: [],
  entryPoints: [],
};

describe("renderMetadata", () => {
  it("renders the minimum", () => {
    expect(renderMetadata(base)).toBe("Metadata-Version: 2.4\nName: toondb-client\nVersion: 0.3.2\n");
  });

  it("renders every field in a fixed order, with the readme as the body", () => {
    const text = renderMetadata({
      ...base,
      description: "ToonDB SDK",
      readme: { text: "# ToonDB\r\n\r\nFrom: not a header\n", contentType: "text/markdown" },
      requiresPython: ">=3.9",
      licenseExpression: "Apache-2.0",
      licenseFiles: [{ relative: "LICENSE", absolute: "/x/LICENSE" }, { relative: "third_party/NOTICE", absolute: "/x/n" }],
      authors: [{ name: "Ada" }, { name: "Bob", email: "bob@example.com" }, { email: "c@example.com" }],
      maintainers: [{ name: "C. Schultz", email: "cs@example.com" }],
      keywords: ["db", "toon"],
      classifiers: ["Programming Language :: Python :: 3"],
      urls: [["Homepage", "https://example.com"]],
      dependencies: ["requests>=2"],
      optionalDependencies: [["grpc", ["grpcio>=1.60; python_version >= '3.9'"]]],
    });
    expect(text).toBe(`Metadata-Version: 2.4
Name: toondb-client
Version: 0.3.2
Summary: ToonDB SDK
Keywords: db,toon
Author: Ada
Author-email: Bob <bob@example.com>, c@example.com
Maintainer-email: "C. Schultz" <cs@example.com>
License-Expression: Apache-2.0
License-File: LICENSE
License-File: third_party/NOTICE
Classifier: Programming Language :: Python :: 3
Requires-Python: >=3.9
Requires-Dist: requests>=2
Project-URL: Homepage, https://example.com
Provides-Extra: grpc
Requires-Dist: grpcio>=1.60; (python_version >= '3.9') and extra == "grpc"
Description-Content-Type: text/markdown

# ToonDB

From: not a header
`);
  });

  it("indents the lines of a legacy license text", () => {
    expect(renderMetadata({ ...base, licenseText: "Line one\n\nLine three" })).toContain("License: Line one\n        \n        Line three\n");
  });

  it("quotes display names the way email.headerregistry.Address does", () => {
    expect(formatAddress("Ada Lovelace", "ada@example.com")).toBe("Ada Lovelace <ada@example.com>");
    expect(formatAddress('Dr. "A"', "a@example.com")).toBe('"Dr. \\"A\\"" <a@example.com>');
    expect(formatAddress(undefined, "a@example.com")).toBe("a@example.com");
  });
});

describe("entry points, tags and RECORD", () => {
  it("renders entry_points.txt groups, skipping empty ones", () => {
    expect(renderEntryPoints([["console_scripts", [["a", "m:f"]]], ["gui_scripts", []], ["x.y", [["p", "m:g"]]]])).toBe(
      "[console_scripts]\na = m:f\n\n[x.y]\np = m:g\n",
    );
    expect(renderEntryPoints([["console_scripts", []]])).toBeUndefined();
  });

  it("names wheels and expands compressed tag sets", () => {
    const tags = binaryTags(["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
    expect(wheelFileName("Toon.DB-client", "0.3.2", tags)).toBe("toon_db_client-0.3.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
    expect(expandTags(tags)).toEqual(["py3-none-manylinux_2_17_x86_64", "py3-none-manylinux2014_x86_64"]);
    expect(renderWheelFile(tags, false)).toMatch(
      /^Wheel-Version: 1\.0\nGenerator: binwheel \d+\.\d+\.\d+\nRoot-Is-Purelib: false\nTag: py3-none-manylinux_2_17_x86_64\nTag: py3-none-manylinux2014_x86_64\n$/,
    );
  });

  it("writes RECORD as Python's csv module would, RECORD itself bare and last", () => {
    expect(renderRecord([
      { path: "a/b.py", sha256: "abc", size: 3 },
      { path: 'odd,"name".txt', sha256: "def", size: 0 },
    ], "x-1.dist-info/RECORD")).toBe('a/b.py,sha256=abc,3\n"odd,""name"".txt",sha256=def,0\nx-1.dist-info/RECORD,,\n');
  });
});
