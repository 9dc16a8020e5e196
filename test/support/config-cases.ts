// [tool.binwheel] configurations the reader refuses, each with the message it must give: shared by
// the reader's tests (config.test.ts, targets-config.test.ts) and the JSON Schema's
// (schema.test.ts), which must refuse them too, so that the two stay one definition.

/** Whole [tool.binwheel] tables (after [project] name = "demo", package demo). */
export const TOOL_CASES: [string, string, RegExp][] = [
  ["unknown tool key", `[tool.binwheel]\npackage = ["demo"]`, /\[tool\.binwheel\] package is not a known key; did you mean "packages"\?/],
  ["package missing", `[tool.binwheel]\npackages = ["nothere"]`, /packages lists "nothere", but neither nothere\/__init__\.py/],
  ["upstream without targets", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "x-{target}.tar.gz"`, /\[tool\.binwheel\.targets\] must list/],
  ["bad repo", `[tool.binwheel.upstream]\ngithub = "nope"\nasset = "x"`, /\[tool\.binwheel\.upstream\] github "nope" must be "owner\/name"/],
  ["unknown placeholder", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "x-{triple}.tar.gz"`, /asset uses the placeholder \{triple\}, which is not available here/],
  ["unknown triple", `[tool.binwheel.targets]\n"x86_64-linux" = "auto"`, /\[tool\.binwheel\.targets\] x86_64-linux: "x86_64-linux" is not a target binwheel knows/],
  ["tag of another OS", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "{target}"\n[tool.binwheel.targets]\n"x86_64-unknown-linux-gnu" = "win_amd64"\n[[tool.binwheel.include]]\nfrom = "*"\nto = "demo/bin"`, /"win_amd64" is not a linux platform tag/],
  ["include without to", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "{target}"\n[tool.binwheel.targets]\n"x86_64-unknown-linux-gnu" = "auto"\n[[tool.binwheel.include]]\nfrom = "bin/*"`, /\[tool\.binwheel\] include\[0\]\.to is missing/],
  ["include escapes", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "{target}"\n[tool.binwheel.targets]\n"x86_64-unknown-linux-gnu" = "auto"\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "../x"`, /include\[0\]\.to "\.\.\/x" must be a relative path/],
  ["sha256 pin", `[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "{target}"\nsha256 = { "x86_64-unknown-linux-gnu" = "abc" }`, /\[tool\.binwheel\.upstream\] sha256\.x86_64-unknown-linux-gnu must be 64 hexadecimal digits/],
  ["reserved command", `[tool.binwheel.scripts]\npython = "x"`, /"python" would shadow the Python interpreter/],
  ["script without upstream", `[tool.binwheel.scripts]\nx = "x"`, /needs \[tool\.binwheel\.upstream\]/],
];

/** A GoReleaser-style configuration (package pkg), whose Linux target the TARGET_ENTRY_CASES replace. */
export const GORELEASER = `
[tool.binwheel.upstream]
github = "acme/tool"
asset = "tool_{version}_{Goos}_{goarch}.tar.gz"
checksums = "tool_{version}_checksums.txt"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"
"aarch64-apple-darwin" = "auto"
"x86_64-pc-windows-msvc" = { archive = "zip" }

[[tool.binwheel.include]]
from = "tool{exe}"
to = "pkg/_bin"
`;

/** Target entries for GORELEASER's "x86_64-unknown-linux-gnu". */
export const TARGET_ENTRY_CASES: [string, RegExp][] = [
  ['{ vars = { goos = "x" } }', /vars\.goos would shadow the built-in placeholder \{goos\}/],
  ['{ vars = { plat = "../x" } }', /vars\.plat = "\.\.\/x" may hold only letters, digits/],
  ['{ vars = { Plat = "x" } }', /a var name is lowercase letters/],
  ['{ archive = "rar" }', /archive = "rar" is not an archive type binwheel reads/],
  ['{ tag = "auto" }', /\] tag is not a known key; did you mean "tags"\?/],
  ['{ tags = "macosx_11_0_arm64" }', /"macosx_11_0_arm64" is not a linux platform tag/],
  ["42", /must be "auto", platform tags, or a table/],
];

/** A ToonDB-style configuration with rules and commands per target (package pkg). */
export const TOONDB = `
[tool.binwheel.upstream]
github = "toondb/toondb"
asset = "toondb-{version}-{target}.{archive}"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"
"aarch64-apple-darwin" = "auto"
"x86_64-pc-windows-msvc" = "auto"

[[tool.binwheel.include]]
from = "toondb-*"
to = "pkg/_bin/{platform}"

[[tool.binwheel.include]]
from = "libtoondb_*"
to = "pkg/lib/{platform}"
targets = ["*-linux-*", "*-apple-darwin"]

[[tool.binwheel.include]]
from = "toondb_*.dll"
to = "pkg/lib/{platform}"
targets = ["*-windows-*"]

[tool.binwheel.scripts]
toondb-bulk = "toondb-bulk"
toondb-server = { executable = "toondb-server", targets = ["*-linux-*", "*-apple-darwin"] }
`;

/** A line added to TOONDB's first include rule. */
export const RULE_CASES: [string, RegExp][] = [
  ['targets = ["*-freebsd-*"]', /targets lists "\*-freebsd-\*", which matches none of the configured targets/],
  ['as = "bin/jq"', /as "bin\/jq" must be a relative path .* \(and, for as, a file name\)/],
];

/** Entries for TOONDB's toondb-server command. */
export const COMMAND_CASES: [string, RegExp][] = [
  ['{ executable = "toondb-server", target = ["*"] }', /\] target is not a known key; did you mean "targets"\?/],
  ['{ targets = ["*-linux-*"] }', /executable is missing/],
  ['{ executable = "bin/toondb-server" }', /must be the executable's file name as it lands in the wheel/],
  ['{ executable = "toondb-{os}" }', /no placeholders/],
];

/** Targets and a rule, after an upstream table (package pkg). */
export const TARGETS = `
[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"

[[tool.binwheel.include]]
from = "kubectl"
to = "pkg/_bin"
`;

/** [tool.binwheel.upstream] bodies, before TARGETS. */
export const UPSTREAM_CASES: [string, RegExp][] = [
  ['github = "a/b"\ngitlab = "c/d"\nasset = "x"', /needs exactly one source, not github and gitlab/],
  ['asset = "x"', /needs exactly one source, but has none/],
  ['url = "http://example.com/{asset}"\nasset = "x-{target}"', /must be an https URL template \(http only for this machine's loopback addresses\)/],
  ['url = "ftp://example.com/x"', /must be an https URL template/],
  ['url = "https://example.com/{asset}"', /\[tool\.binwheel\.upstream\] asset is missing/],
  ['path = "../elsewhere/{target}"', /path "\.\.\/elsewhere\/\{target\}" must be a path inside the project/],
  ['path = "/opt/tool"', /must be a path inside the project/],
  ['gitlab = "group"\nasset = "x"', /gitlab "group" must be the project's path/],
  ['path = "target"\nchecksums = "SHA256SUMS"', /checksums is for downloaded assets/],
];
