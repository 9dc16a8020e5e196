// Every finding `binwheel check` can report, in one table: its stable code, its severity and the
// rule it enforces. An error is what PyPI's upload refuses or what pip, uv or installer fail on or
// install wrongly; a warning is legal but risky, and its message says why. Codes are grouped by
// what they look at: BW1xx the zip, BW2xx RECORD, BW3xx the wheel's name, layout and WHEEL, BW4xx
// core metadata, BW5xx entry points and scripts, BW6xx tags and binaries, BW7xx sdists, BW8xx
// SBOMs. A code, once published, keeps its meaning; a retired one is not reused. DOCS.md's table of
// codes is this table (test/unit/check-codes.test.ts compares them).

export type Severity = "error" | "warning";

export interface Code {
  code: string;
  severity: Severity;
  /** What the finding is about, in a few words (the docs' table). */
  summary: string;
  /** The spec section or PyPI rule it enforces. */
  rule: string;
}

const SPECS = "https://packaging.python.org/en/latest/specifications";
const BDF = `${SPECS}/binary-distribution-format/`;
const CM = `${SPECS}/core-metadata/`;
const WAREHOUSE = "https://github.com/pypi/warehouse/blob/main/warehouse";
/** PyPI's upload view: the file name, platform tags, license files, RECORD and METADATA presence. */
const UPLOAD = `${WAREHOUSE}/forklift/legacy.py`;
/** PyPI's metadata rules on top of packaging's validator. */
const PYPI_METADATA = `${WAREHOUSE}/forklift/metadata.py`;
/** PyPI's zip framing rules, explained at docs.pypi.org/archives. */
const ARCHIVES = "https://docs.pypi.org/archives/";

const table = [
  ["BW101", "error", "not a readable zip archive", ARCHIVES],
  ["BW102", "error", "bytes outside the zip's records (trailing, prepended or between records)", ARCHIVES],
  ["BW103", "error", "end records that zip readers read differently", ARCHIVES],
  ["BW104", "error", "a local header that differs from the central directory", ARCHIVES],
  ["BW105", "error", "a malformed or repeated extra field", ARCHIVES],
  ["BW106", "error", "a data descriptor", ARCHIVES],
  ["BW107", "error", "a compression method other than stored or deflate", UPLOAD],
  ["BW108", "error", "an encrypted member", `${BDF}#file-contents`],
  ["BW109", "error", "a comment on a member", ARCHIVES],
  ["BW110", "error", "a damaged member (CRC-32, size, deflate data)", ARCHIVES],
  ["BW111", "error", "a member name stored twice", ARCHIVES],
  ["BW112", "error", "a member name that is not UTF-8, or not flagged as UTF-8", `${BDF}#escaping-and-unicode`],
  ["BW113", "error", "a decompression ratio PyPI refuses (over 50, past 64 MiB)", UPLOAD],
  ["BW114", "error", "a member path installers refuse or misread (absolute, \"..\", control characters)", `${SPECS}/recording-installed-packages/#the-record-file`],
  ["BW115", "warning", "a member path some systems read differently (\"\\\", empty or \".\" segments, Windows names)", `${BDF}#escaping-and-unicode`],
  ["BW116", "warning", "two member names that are one file on macOS or Windows", `${BDF}#escaping-and-unicode`],
  ["BW117", "error", "a symbolic link", `${BDF}#file-contents`],
  ["BW118", "warning", "a metadata file over 64 MiB, which binwheel check does not read", `${BDF}#the-dist-info-directory`],
  ["BW201", "error", "RECORD is missing or unreadable", UPLOAD],
  ["BW202", "error", "a file that RECORD does not list", `${BDF}#the-dist-info-directory`],
  ["BW203", "error", "a file whose hash or size differs from RECORD's", `${BDF}#the-dist-info-directory`],
  ["BW204", "error", "a hash in hex, not urlsafe base64", `${SPECS}/recording-installed-packages/#the-record-file`],
  ["BW205", "error", "a RECORD row without hash or size", `${BDF}#the-dist-info-directory`],
  ["BW206", "warning", "a hash algorithm binwheel does not verify, or one the spec forbids", `${BDF}#the-dist-info-directory`],
  ["BW207", "warning", "a RECORD row for a file the wheel does not hold, or listed twice", `${WAREHOUSE}/utils/wheel.py`],
  ["BW208", "error", "a RECORD row that is not path,hash,size", `${SPECS}/recording-installed-packages/#the-record-file`],
  ["BW209", "error", "RECORD's own row, or a signature file's, with a hash", `${BDF}#the-dist-info-directory`],
  ["BW301", "error", "a file name that is not name-version(-build)?-python-abi-platform.whl", `${BDF}#file-name-convention`],
  ["BW302", "error", "a name part that is not the normalized project name", UPLOAD],
  ["BW303", "warning", "a version part that is not normalized", `${BDF}#file-name-convention`],
  ["BW304", "error", "not exactly one .dist-info folder named like the file", `${BDF}#the-dist-info-directory`],
  ["BW305", "error", "a .data folder or key installers do not know", `${BDF}#the-data-directory`],
  ["BW306", "error", "WHEEL is missing or its Wheel-Version is not 1.x", `${BDF}#the-dist-info-directory`],
  ["BW307", "warning", "Root-Is-Purelib is neither true nor false", `${BDF}#the-dist-info-directory`],
  ["BW308", "warning", "WHEEL's Tag lines differ from the file name's tags", `${BDF}#the-dist-info-directory`],
  ["BW309", "error", "METADATA is missing or not UTF-8", UPLOAD],
  ["BW310", "error", "METADATA's Name or Version differs from the file name", UPLOAD],
  ["BW401", "error", "a Metadata-Version PyPI does not accept", PYPI_METADATA],
  ["BW402", "error", "a field newer than the declared Metadata-Version", `${CM}#metadata-version`],
  ["BW403", "warning", "License-File below Metadata-Version 2.4 (pre-PEP 639 use)", `${CM}#license-file-multiple-use`],
  ["BW404", "error", "a required field missing or invalid (Name, Version)", `${CM}#name`],
  ["BW405", "error", "a local version, which PyPI refuses", PYPI_METADATA],
  ["BW406", "error", "a single-use field given more than once", CM],
  ["BW407", "error", "a field whose value packaging's validator refuses", CM],
  ["BW408", "error", "a value PyPI's own rules refuse (emails, URLs, classifiers, direct URLs, lengths)", PYPI_METADATA],
  ["BW409", "warning", "a License-Expression not in canonical form", `${SPECS}/license-expression/`],
  ["BW410", "error", "a License-File missing from the distribution", `${CM}#license-file-multiple-use`],
  ["BW411", "warning", "a Provides-Extra not normalized under Metadata-Version 2.3 or later", `${CM}#provides-extra-multiple-use`],
  ["BW501", "error", "entry_points.txt that is not valid", `${SPECS}/entry-points/#file-format`],
  ["BW502", "error", "a command name PyPI refuses", `${WAREHOUSE}/utils/wheel.py`],
  ["BW503", "error", "a command that is not module:object", `${SPECS}/entry-points/#data-model`],
  ["BW504", "error", "a command or script that replaces the environment's Python", "https://github.com/astral-sh/uv/pull/19535"],
  ["BW505", "warning", "a command or script that replaces the environment's pip", `${SPECS}/entry-points/#use-for-scripts`],
  ["BW601", "error", "a platform tag PyPI does not accept", UPLOAD],
  ["BW602", "error", "a binary for another architecture than the tags", `${SPECS}/platform-compatibility-tags/`],
  ["BW603", "warning", "a binary for another operating system than the tags", `${SPECS}/platform-compatibility-tags/`],
  ["BW604", "error", "a binary that needs a newer system than its tag promises", "https://peps.python.org/pep-0600/"],
  ["BW605", "error", "a binary linked against another C library than its tag names", "https://peps.python.org/pep-0656/"],
  ["BW606", "warning", "a binary that uses GLIBC_PRIVATE symbols", "https://peps.python.org/pep-0600/"],
  ["BW607", "warning", "a file that looks like a binary but has malformed headers", `${SPECS}/platform-compatibility-tags/`],
  ["BW608", "warning", "a binary that needs a libstdc++ or libgcc version newer than auditwheel's policy for its tag lists", "https://github.com/pypa/auditwheel/blob/main/src/auditwheel/policy/manylinux-policy.json"],
  ["BW701", "error", "an sdist file name that is not {name}-{version}.tar.gz, or unlike PKG-INFO", UPLOAD],
  ["BW702", "error", "an sdist that cannot be read", `${SPECS}/source-distribution-format/`],
  ["BW703", "error", "not exactly one top folder named like the file", UPLOAD],
  ["BW704", "error", "PKG-INFO is missing or not UTF-8", UPLOAD],
  ["BW705", "warning", "pyproject.toml is missing", `${SPECS}/source-distribution-format/#source-distribution-file-format`],
  ["BW706", "warning", "PKG-INFO below Metadata-Version 2.2", `${SPECS}/source-distribution-format/#source-distribution-file-format`],
  ["BW707", "error", "a member installers refuse to unpack (device, FIFO, a link pointing outside)", `${SPECS}/source-distribution-format/#source-distribution-archive-features`],
  ["BW708", "warning", "a link, or a member stored twice", `${SPECS}/source-distribution-format/#source-distribution-archive-features`],
  ["BW709", "warning", "a prebuilt binary in an sdist", `${SPECS}/source-distribution-format/`],
  ["BW801", "warning", "an SBOM that is not valid JSON", "https://peps.python.org/pep-0770/"],
  ["BW802", "warning", "a CycloneDX SBOM of the wrong shape", "https://cyclonedx.org/docs/1.6/json/"],
  ["BW803", "warning", "an SBOM whose hash for a file differs from the file's", "https://peps.python.org/pep-0770/"],
] as const satisfies readonly (readonly [string, Severity, string, string])[];

export type CodeId = (typeof table)[number][0];

/** Every code, in order. */
export const CODES: readonly Code[] = table.map(([code, severity, summary, rule]) => ({ code, severity, summary, rule }));

const byId = new Map(CODES.map((c) => [c.code, c]));

export function codeInfo(id: CodeId): Code {
  return byId.get(id)!;
}

/** The codes a --select/--ignore value names: a code or a prefix of codes ("BW2", "BW20"), case-insensitive. */
export function codesMatching(prefix: string): Code[] {
  const wanted = prefix.toUpperCase();
  return CODES.filter((c) => c.code.startsWith(wanted));
}
