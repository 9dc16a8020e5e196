// [project] validation against the public test suites of validate-pyproject
// (abravalheri/validate-pyproject: tests/examples/**, tests/invalid-examples/** with their
// .errors.txt) and pyproject-metadata (pypa/pyproject-metadata: tests/test_standard_metadata.py,
// tests/test_rfc822.py), as data. Each case is the suite's TOML (its [tool.*] tables dropped:
// they configure other backends), the files it needs, and for an invalid case a regex that the
// error must match, naming the key. Where binwheel deliberately differs, the comment says why.
// Valid cases are also rendered to METADATA, which `binwheel check` must accept.
import { describe, expect, it } from "vitest";
import toml from "toml";
import { checkCoreMetadata, parseCoreMetadata } from "../../src/check/metadata.js";
import { loadProject } from "../../src/config/pyproject.js";
import { escapedName, isValidProjectName } from "../../src/python/names.js";
import { renderMetadata } from "../../src/wheel/metadata.js";
import { tempProject } from "../support/tmp.js";

interface Case {
  name: string;
  toml: string;
  /** Files the case needs besides pyproject.toml (path -> content). */
  files?: Record<string, string>;
  /** Absent: the case is valid. */
  error?: RegExp;
  /** What `binwheel check` reports for a valid case that PyPI would still refuse to host. */
  pypiRefuses?: RegExp;
}

/** The folder pyproject-metadata's test_load runs in (tests/packages/full-metadata). */
const FULL_METADATA = { "README.md": "some readme 👋\n" };
const README_RST = { "README.rst": "Title\n=====\n" };

const validatePyproject: Case[] = [
  // ---- valid: tests/examples/** ----
  // tests/examples/simple/minimal.toml
  { name: "simple/minimal", toml: `[project]\nname = "spam"\nversion = "2020.0.0"\n` },
  // tests/examples/simple/empty-author.toml
  { name: "simple/empty-author", toml: `[project]\nname = 'foo'\nversion = '1.0'\nauthors = []\n` },
  // tests/examples/simple/dynamic-version.toml (binwheel also needs [tool.binwheel] version, added by the harness)
  { name: "simple/dynamic-version", toml: `[project]\nname = "spam"\ndynamic = ["version"]\n` },
  // tests/examples/simple/pep639.toml
  {
    name: "simple/pep639",
    toml: `[project]
name = "example"
version = "1.2.3"
license = "MIT OR GPL-2.0-or-later OR (FSFUL AND BSD-2-Clause)"
license-files = ["licenses/LICENSE.MIT", "licenses/LICENSE.CC0"]
`,
    files: { "licenses/LICENSE.MIT": "MIT", "licenses/LICENSE.CC0": "CC0" },
  },
  // tests/examples/pep_text/pyproject.toml
  {
    name: "pep_text",
    toml: `# This example was creating by joining examples from PEP 621 and PEP 517 text
# + some minor changes
[project]
name = "spam"
version = "2020.0.0"
description = "Lovely Spam! Wonderful Spam!"
readme = "README.rst"
requires-python = ">=3.8"
license = {file = "LICENSE.txt"}
keywords = ["egg", "bacon", "sausage", "tomatoes", "Lobster Thermidor"]
authors = [
  {email = "hi@pradyunsg.me"},
  {name = "Tzu-Ping Chung"}
]
maintainers = [
  {name = "Brett Cannon", email = "brett@python.org"}
]
classifiers = [
  "Development Status :: 4 - Beta",
  "Programming Language :: Python"
]

dependencies = [
  "httpx",
  "gidgethub[httpx]>4.0.0",
  "django>2.1; os_name != 'nt'",
  "django>2.0; os_name == 'nt'"
]

[project.optional-dependencies]
test = [
  "pytest < 5.0.0",
  "pytest-cov[all]"
]

[project.urls]
homepage = "https://example.com"
documentation = "https://readthedocs.org"
repository = "https://github.com"
changelog = "https://github.com/me/spam/blob/master/CHANGELOG.md"

[project.scripts]
spam-cli = "spam:main_cli"

[project.gui-scripts]
spam-gui = "spam:main_gui"

[project.entry-points."spam.magical"]
tomatoes = "spam:main_tomatoes"

[build-system]
requires = ["flit"]
build-backend = "local_backend"
backend-path = ["backend"]
`,
    files: { ...README_RST, "LICENSE.txt": "license" },
  },
  // tests/examples/pdm/pyproject.toml
  {
    name: "pdm",
    toml: `[project]
# PEP 621 project metadata
# https://www.python.org/dev/peps/pep-0621
name = "pdm-backend"
description = "The build backend used by PDM that supports latest packaging standards"
authors = [
  { name = "Frost Ming", email = "me@frostming.com" }
]
license = {text = "MIT"}
requires-python = ">=3.9"
readme = "README.md"
keywords = ["packaging", "PEP 517", "build"]
dynamic = ["version"]

classifiers = [
    "Development Status :: 5 - Production/Stable",
    "Topic :: Software Development :: Build Tools",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
]

dependencies = [
    "importlib-metadata>=3.6; python_version < \\"3.10\\""
]

[project.urls]
Homepage = "https://github.com/pdm-project/pdm-backend"
Repository = "https://github.com/pdm-project/pdm-backend"
Documentation = "https://backend.pdm-project.org"

[build-system]
requires = []
build-backend = "pdm.backend.intree"
backend-path = ["src"]
`,
    files: { "README.md": "# pdm-backend\n" },
  },
  // tests/examples/trampolim/pyproject.toml, without `import-namespaces` (PEP 794, which binwheel
  // does not write: it needs metadata 2.5)
  {
    name: "trampolim",
    toml: `[build-system]
build-backend = 'trampolim'
backend-path = ['.']
requires = [
  'tomli>=1.0.0',
  'packaging',
  'pep621>=0.4.0',
  'backports.cached-property ; python_version < "3.8"',
]

[project]
name = 'trampolim'
version = '0.1.0'
description = 'A modern Python build backend'
readme = 'README.md'
requires-python = '>=3.7'
license = { file = 'LICENSE' }
keywords = ['build', 'pep517', 'package', 'packaging']
authors = [
  { name = 'Filipe Laíns', email = 'lains@riseup.net' },
]
classifiers = [
  'Development Status :: 4 - Beta',
  'Programming Language :: Python'
]
dependencies = [
  'tomli>=1.0.0',
  'packaging',
  'pep621>=0.4.0',
  'backports.cached-property ; python_version < "3.8"',
]

[project.optional-dependencies]
test = [
  'wheel',
  'pytest>=3.9.1',
  'pytest-cov',
  'pytest-mock',
]
docs = [
  'furo>=2021.04.11b34',
  'sphinx~=3.0',
  'sphinx-autodoc-typehints>=1.10',
]

[project.scripts]
trampolim = 'trampolim.__main__:entrypoint'

[project.urls]
homepage = 'https://github.com/FFY00/trampolim'
repository = 'https://github.com/FFY00/trampolim'
documentation = 'https://trampolim.readthedocs.io'
changelog = 'https://trampolim.readthedocs.io/en/latest/changelog.html'
`,
    files: { "README.md": "# trampolim\n", LICENSE: "MIT" },
  },
  // tests/examples/pretend-setuptools/04-pyproject.toml
  {
    name: "pretend-setuptools/04",
    toml: `[project]
name = "project"
readme = "README.md"
dynamic = ["version"]
requires-python = ">=3.8"
dependencies = ["numpy>=1.18.5"]

[project.entry-points]
pandas_plotting_backends = {matplotlib = "project.plotting:matplotlib_plot"}

[project.optional-dependencies]
test = [
    "pytest",
    "pytest-xdist",
]

[build-system]
requires = ["setuptools", "wheel"]
build-backend = "setuptools.build_meta"
`,
    files: { "README.md": "# project\n" },
  },
  // tests/examples/pretend-setuptools/05-pyproject.toml
  {
    name: "pretend-setuptools/05",
    toml: `[project]
name = "myproj"
version = "3.8"
readme = "README.rst"
urls = {Homepage = "https://github.com/me/myproj/"}
requires-python = ">=3.6"
dependencies = ["dep>=1.0.0"]

[project.entry-points]
"distutils.setup_keywords" = {use_scm_version = "myproj.setuptools:version_keyword"}

[project.optional-dependencies]
toml = ["dep>=1.0.0"]

[build-system]
requires = ["setuptools", "wheel"]
build-backend = "setuptools.build_meta"
`,
    files: README_RST,
  },
  // tests/examples/pretend-setuptools/06-pyproject.toml
  {
    name: "pretend-setuptools/06",
    toml: `[project]
name = "myproj"
keywords = ["some", "key", "words"]
dynamic = ["version"]
requires-python = ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*"
dependencies = [
    "importlib-metadata>=0.12;python_version<\\"3.8\\"",
    "importlib-resources>=1.0;python_version<\\"3.7\\"",
    "pathlib2>=2.3.3,<3;python_version < '3.4' and sys.platform != 'win32'",
]

[project.readme]
file = "README.md"
content-type = "text/markdown"

[project.optional-dependencies]
docs = [
    "sphinx>=3",
    "sphinx-argparse>=0.2.5",
    "sphinx-rtd-theme>=0.4.3",
]
testing = [
    "pytest>=1",
    "coverage>=3,<5",
]

[project.scripts]
exec = "myproj.__main__:exec"

[build-system]
requires = ["setuptools", "wheel"]
build-backend = "setuptools.build_meta"
`,
    files: { "README.md": "# myproj\n" },
  },
  // tests/examples/setuptools/08-pyproject.toml
  {
    name: "setuptools/08",
    toml: `# Setuptools should allow stub-only package names in \`packages\` (PEP 561)
[build-system]
requires = ["setuptools", "setuptools-scm"]
build-backend = "setuptools.build_meta"

[project]
name = "mypkg-stubs"
version = "0.0.0"
`,
  },

  // ---- invalid: tests/invalid-examples/** ----
  // tests/invalid-examples/pep621/dynamic/static_entry_points_listed_as_dynamic.toml
  // ("cannot provide a value for `project.entry-points` and list it under `project.dynamic`")
  {
    name: "pep621/dynamic/static_entry_points_listed_as_dynamic",
    toml: `[build-system]
requires = ["setuptools>=67.5"]
build-backend = "setuptools.build_meta"

[project]
name = "timmins"
dynamic = ["version", "entry-points"]

[project.entry-points."timmins.display"]
excl = "timmins_plugin_fancy:excl_display"
`,
    error: /\[project\] dynamic lists "entry-points"/,
  },
  // tests/invalid-examples/pep621/dynamic/static_readme_listed_as_dynamic.toml
  {
    name: "pep621/dynamic/static_readme_listed_as_dynamic",
    toml: `[build-system]
requires = ["setuptools>=67.5"]
build-backend = "setuptools.build_meta"

[project]
name = "example"
version = "0.1.0"
readme = "README.md"
dynamic = ["readme"]
`,
    files: { "README.md": "# example\n" },
    error: /\[project\] dynamic lists "readme"/,
  },
  // tests/invalid-examples/pep621/dynamic/static_version_listed_as_dynamic.toml
  // ("You cannot provide a value for `project.version` and list it under `project.dynamic`")
  {
    name: "pep621/dynamic/static_version_listed_as_dynamic",
    toml: `[build-system]
requires = ["setuptools>=67.5"]
build-backend = "setuptools.build_meta"

[project]
name = "example"
version = "0.1.0"
dynamic = ["version"]
`,
    error: /\[project\] version is set and also listed in \[project\] dynamic/,
  },
  // tests/invalid-examples/pep621/incorrect-subtables/author_with_extra_fields.toml
  // ("`project.authors[{data__authors_x}]` must not contain {'author'} properties")
  {
    name: "pep621/incorrect-subtables/author_with_extra_fields",
    toml: `[build-system]
requires = ["setuptools", "setuptools_scm[toml]"]
build-backend = "setuptools.build_meta"


[project]
name = "package"
description = "Package Description"
readme = "README.rst"
authors = [{author="Author", email="author@gmail.com"}]
license = {file="LICENSE"}
requires-python = ">=3.6"
dynamic = ["version"]
dependencies = [
    "pywin32; platform_system=='Windows' and platform_python_implementation!='PyPy'",
]
classifiers = [
    "Development Status :: 5 - Production/Stable",
]
keywords = [
    "cli",
]

[project.optional-dependencies]
dev = [
    "pytest>=6.0",
]
docs = [
    "sphinx>=4.0.0",
]
ssh = [
    "paramiko",
]
`,
    files: { ...README_RST, LICENSE: "MIT" },
    error: /\[project\] authors\[0\]\.author is not a known key/,
  },
  // tests/invalid-examples/pep621/missing-fields/empty-author.toml
  // ("`project.authors[0]` cannot be validated by any definition")
  {
    name: "pep621/missing-fields/empty-author",
    toml: `[project]\nname = 'foo'\nversion = '1.0'\nauthors = [{}]\n`,
    error: /\[project\] authors\[0\] needs a "name", an "email" or both/,
  },
  // tests/invalid-examples/pep621/missing-fields/missing-version-with-dynamic.toml
  {
    name: "pep621/missing-fields/missing-version-with-dynamic",
    toml: `[project]\nname = "proj"\ndynamic = []\n`,
    error: /\[project\] version is missing/,
  },
  // tests/invalid-examples/pep621/missing-fields/missing-version.toml ("`project` must contain ['version'] properties")
  { name: "pep621/missing-fields/missing-version", toml: `[project]\nname = "proj"\n`, error: /\[project\] version is missing/ },
  // tests/invalid-examples/pep621/non-standardised-project-fields/author_instead_of_authors.toml
  // ("`project` must not contain {'author'} properties")
  {
    name: "pep621/non-standardised-project-fields/author_instead_of_authors",
    toml: `[build-system]
requires = ["setuptools", "setuptools_scm[toml]"]
build-backend = "setuptools.build_meta"


[project]
name = "package"
description = "Package Description"
readme = "README.rst"
author = {name="Author", email="author@gmail.com"}
license = {file="LICENSE"}
requires-python = ">=3.6"
dynamic = ["version"]
dependencies = [
    "pywin32; platform_system=='Windows' and platform_python_implementation!='PyPy'",
]
classifiers = [
    "Development Status :: 5 - Production/Stable",
]
keywords = [
    "cli",
]

[project.optional-dependencies]
dev = [
    "pytest>=6.0",
]
docs = [
    "sphinx>=4.0.0",
]
ssh = [
    "paramiko",
]
`,
    error: /\[project\] author is not a known key; did you mean "authors"\?/,
  },
  // tests/invalid-examples/pep621/non-standardised-project-fields/requires_instead_of_dependencies.toml
  // ("`project` must not contain {'requires'} properties")
  {
    name: "pep621/non-standardised-project-fields/requires_instead_of_dependencies",
    toml: `[build-system]
requires = ["setuptools", "setuptools_scm[toml]"]
build-backend = "setuptools.build_meta"


[project]
name = "package"
description = "Package Description"
readme = "README.rst"
authors = [{name="Author", email="author@gmail.com"}]
license = {file="LICENSE"}
requires-python = ">=3.6"
dynamic = ["version"]
requires = [
    "pywin32; platform_system=='Windows' and platform_python_implementation!='PyPy'",
]
classifiers = [
    "Development Status :: 5 - Production/Stable",
]
keywords = [
    "cli",
]

[project.optional-dependencies]
dev = [
    "pytest>=6.0",
]
docs = [
    "sphinx>=4.0.0",
]
ssh = [
    "paramiko",
]
`,
    error: /\[project\] requires is not a known key/,
  },
  // tests/invalid-examples/pep621/pep639/bothstyles.toml ("`project.license` must be string")
  {
    name: "pep621/pep639/bothstyles",
    toml: `[project]\nname = "x"\nversion = "1.2.3"\nlicense.text = "Something"\nlicense-files = ["value"]\n`,
    files: { value: "license" },
    error: /\[project\] license-files cannot be combined with the legacy table form of \[project\] license/,
  },
  // tests/invalid-examples/pep621/pep770/pep770-string.toml (PEP 770 as first drafted; its final
  // text has no [project] key, so binwheel refuses `sbom-files` in any form)
  {
    name: "pep621/pep770/pep770-string",
    toml: `[project]\nname = "example"\nversion = "1.2.3"\nsbom-files = "sboms/bom.cdx.json"\n`,
    error: /\[project\] sbom-files is not a known key/,
  },
  // tests/invalid-examples/pretend-setuptools/pep621/license/both-text-and-file.toml, without its
  // non-standard `author` key (refused on its own above) ("project.license must be valid exactly by one definition (2 matches found)")
  {
    name: "pretend-setuptools/pep621/license/both-text-and-file",
    toml: `[project]
name = "some-project"
description = "Some description"
readme = "README.rst"
license = { text = "MIT", file = "LICENSE.txt" }
classifiers = [
    "Development Status :: 5 - Production/Stable",
    "Topic :: Utilities",
]
dynamic = ["version"]
requires-python = ">=3.6"
dependencies = [
    "importlib-metadata; python_version<\\"3.8\\"",
    "appdirs>=1.4.4,<2",
]
`,
    files: { ...README_RST, "LICENSE.txt": "MIT" },
    error: /\[project\] license must have exactly one of "text" or "file"/,
  },
  // tests/invalid-examples/pretend-setuptools/pep621/license/empty.toml, without `author`
  // ("`project.license` must be valid exactly by one definition (0 matches found)")
  {
    name: "pretend-setuptools/pep621/license/empty",
    toml: `[project]
name = "some-project"
description = "Some description"
readme = "README.rst"
license = {}
dynamic = ["version"]
requires-python = ">=3.6"
`,
    files: README_RST,
    error: /\[project\] license must have exactly one of "text" or "file"/,
  },
  // tests/invalid-examples/pretend-setuptools/pep621/readme/readme-as-array.toml, without `author`
  // ("project.readme must be valid exactly by one definition (0 matches found)")
  {
    name: "pretend-setuptools/pep621/readme/readme-as-array",
    toml: `[project]
name = "some-project"
description = "Some description"
license = { text = "MIT" }
readme = ["README.rst"]
dynamic = ["version"]
requires-python = ">=3.6"
`,
    files: README_RST,
    error: /\[project\] readme must be a file name such as "README\.md" or a table .*, but it is an array/,
  },
  // tests/invalid-examples/pretend-setuptools/pep621/readme/readme-without-content-type.toml, without `author`
  // ("`project.readme` must be valid exactly by one definition (0 matches found)")
  {
    name: "pretend-setuptools/pep621/readme/readme-without-content-type",
    toml: `[project]
name = "some-project"
description = "Some description"
license = { text = "MIT" }
readme = { file = "README.rst" }
dynamic = ["version"]
requires-python = ">=3.6"
`,
    files: README_RST,
    error: /\[project\.readme\] content-type is missing/,
  },
  // tests/invalid-examples/pdm/invalid-version/pyproject.toml ("version must be string"), its
  // [project] without `dynamic = ["version", "classifiers"]` (binwheel refuses a dynamic
  // classifiers before it reads the version)
  {
    name: "pdm/invalid-version",
    toml: `[project]
authors = [
    {name = "frostming", email = "mianghong@gmail.com"},
]
version = {use_scm = true}
requires-python = ">=3.7"
license = {text = "MIT"}
name = "pdm"
description = "Python Development Master"
readme = "README.md"
`,
    files: { "README.md": "# pdm\n" },
    error: /\[project\] version must be a string, but it is a table/,
  },
  // tests/invalid-examples/pdm/redefining-as-dynamic/pyproject.toml, [project] only
  // ("You cannot provide a value for `project.description` and list it under `project.dynamic`")
  {
    name: "pdm/redefining-as-dynamic",
    toml: `[project]
# PEP 621 project metadata
# See https://peps.python.org/pep-0621/
authors = [
    {name = "frostming", email = "mianghong@gmail.com"},
]
dynamic = ["version", "description"]
# version = {use_scm = true}  ->  invalid, must be string
requires-python = ">=3.7"
license = {text = "MIT"}
dependencies = [
    "appdirs",
    "atoml>=1.0.3",
    "click>=7",
    "importlib-metadata; python_version < \\"3.8\\"",
    "installer~=0.3.0",
    "packaging",
    "pdm-pep517>=0.8.3,<0.9",
    "pep517>=0.11.0",
    "pip>=20.1",
    "python-dotenv~=0.15",
    "pythonfinder",
    "resolvelib>=0.7.0,<0.8.0",
    "shellingham<2.0.0,>=1.3.2",
    "tomli>=1.1.0,<2.0.0",
    "typing-extensions; python_version < \\"3.8\\"",
    "wheel<1.0.0,>=0.36.2",
]
name = "pdm"
description = "Python Development Master"
readme = "README.md"
keywords = ["packaging", "dependency", "workflow"]
classifiers = [
    "Development Status :: 4 - Beta",
    "Topic :: Software Development :: Build Tools",
]

[project.urls]
homepage = "https://pdm.fming.dev"
Repository = "https://github.com/pdm-project/pdm"
Documentation = "https://pdm.fming.dev"

[project.optional-dependencies]

[project.scripts]
pdm = "pdm.core:main"
`,
    files: { "README.md": "# pdm\n" },
    error: /\[project\] dynamic lists "description"/,
  },
  // tests/invalid-examples/simple/pep639.toml
  {
    name: "simple/pep639",
    toml: `[project]
name = "example"
version = "1.2.3"
license = "Apache Software License"  # should be "Apache-2.0"
license-files = ["licenses/LICENSE"]
`,
    files: { "licenses/LICENSE": "Apache" },
    error: /\[project\] license "Apache Software License" is not a valid SPDX license expression/,
  },
];

/** pyproject-metadata's test_load cases run in tests/packages/full-metadata: test_load[<id>]. */
const loadCase = (id: string, data: string, error: RegExp): Case => ({ name: `test_load[${id}]`, toml: data, files: FULL_METADATA, error });

const pyprojectMetadata: Case[] = [
  // ---- invalid: tests/test_standard_metadata.py test_load, by param id ----
  loadCase("Missing project section", ``, /has no \[project\] table/),
  loadCase("Invalid name type", `[project]\nname = true\nversion = "0.1.0"\n`, /\[project\] name must be a string, but it is boolean true/),
  loadCase("Invalid project key", `[project]\nname = "test"\nversion = "0.1.0"\nnot-real-key = true\n`, /\[project\] not-real-key is not a known key/),
  loadCase("Unsupported field in project.dynamic", `[project]\nname = "test"\nversion = "0.1.0"\ndynamic = [\n    "name",\n]\n`, /\[project\] dynamic lists "name"/),
  loadCase("Unsupported type in project.dynamic", `[project]\nname = "test"\nversion = "0.1.0"\ndynamic = [\n    3,\n]\n`, /\[project\] dynamic\[0\] must be a string, but it is number 3/),
  loadCase("Invalid version type", `[project]\nname = "test"\nversion = true\n`, /\[project\] version must be a string, but it is boolean true/),
  loadCase("Missing version", `[project]\nname = "test"\n`, /\[project\] version is missing/),
  loadCase("Invalid version value", `[project]\nname = "test"\nversion = "0.1.0-extra"\n`, /\[project\] version "0\.1\.0-extra" is not a valid PEP 440 version/),
  loadCase("License invalid type", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = true\n`, /\[project\] license must be an SPDX license expression .*, but it is boolean true/),
  loadCase("Missing license keys", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = {}\n`, /\[project\] license must have exactly one of "text" or "file"/),
  loadCase("Both keys for license", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = { file = "...", text = "..." }\n`, /\[project\] license must have exactly one of "text" or "file"/),
  loadCase("Got made-up license field", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = { made-up = ":(" }\n`, /\[project\.license\] made-up is not a known key/),
  loadCase("Invalid type for license.file", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = { file = true }\n`, /\[project\.license\] file must be a string, but it is boolean true/),
  loadCase("Invalid type for license.text", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = { text = true }\n`, /\[project\.license\] text must be a string, but it is boolean true/),
  loadCase("License file not present", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = { file = "this-file-does-not-exist" }\n`, /\[project\.license\] file names "this-file-does-not-exist", which does not exist/),
  loadCase("Invalid readme type", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = true\n`, /\[project\] readme must be a file name .*, but it is boolean true/),
  loadCase("Empty readme table", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = {}\n`, /\[project\] readme must have exactly one of "file" or "text"/),
  loadCase("Unsupported filename in readme", `[project]\nname = 'test'\nversion = "0.1.0"\nreadme = "README.jpg"\n`, /\[project\] readme "README\.jpg" has an unknown extension/),
  loadCase("Both readme fields", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { file = "...", text = "..." }\n`, /\[project\] readme must have exactly one of "file" or "text"/),
  loadCase("Unexpected field in readme", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { made-up = ":(" }\n`, /\[project\.readme\] made-up is not a known key/),
  loadCase("Invalid type for readme.file", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { file = true }\n`, /\[project\.readme\] file must be a string, but it is boolean true/),
  loadCase("Invalid type for readme.text", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { text = true }\n`, /\[project\.readme\] text must be a string, but it is boolean true/),
  loadCase("Readme file not present", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { file = "this-file-does-not-exist", content-type = "..." }\n`, /\[project\.readme\] file names "this-file-does-not-exist", which does not exist/),
  loadCase("Missing content-type for readme", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { file = "README.md" }\n`, /\[project\.readme\] content-type is missing/),
  loadCase("Wrong content-type type for readme", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { file = 'README.md', content-type = true }\n`, /\[project\.readme\] content-type must be a string, but it is boolean true/),
  // (a second param with the id "Missing content-type for readme": the text form)
  loadCase("Missing content-type for readme", `[project]\nname = "test"\nversion = "0.1.0"\nreadme = { text = "..." }\n`, /\[project\.readme\] content-type is missing/),
  loadCase("Invalid description type", `[project]\nname = "test"\nversion = "0.1.0"\ndescription = true\n`, /\[project\] description must be a string, but it is boolean true/),
  loadCase("Invalid dependencies type", `[project]\nname = "test"\nversion = "0.1.0"\ndependencies = "some string!"\n`, /\[project\] dependencies must be an array of strings, but it is the string "some string!"/),
  loadCase("Invalid dependencies item type", `[project]\nname = "test"\nversion = "0.1.0"\ndependencies = [\n    99,\n]\n`, /\[project\] dependencies\[0\] must be a string, but it is number 99/),
  loadCase("Invalid dependencies item", `[project]\nname = "test"\nversion = "0.1.0"\ndependencies = [\n    "definitely not a valid PEP 508 requirement!",\n]\n`, /\[project\] dependencies\[0\]: "definitely not a valid PEP 508 requirement!" is not a valid PEP 508 requirement/),
  loadCase("Invalid optional-dependencies type", `[project]\nname = "test"\nversion = "0.1.0"\noptional-dependencies = true\n`, /\[project\] optional-dependencies must be a table, but it is boolean true/),
  loadCase("Invalid optional-dependencies not list", `[project]\nname = "test"\nversion = "0.1.0"\n[project.optional-dependencies]\ntest = "some string!"\n`, /\[project\.optional-dependencies\] test must be an array of strings, but it is the string "some string!"/),
  loadCase("Invalid optional-dependencies item type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.optional-dependencies]\ntest = [\n    true,\n]\n`, /\[project\.optional-dependencies\] test\[0\] must be a string, but it is boolean true/),
  loadCase("Invalid optional-dependencies item", `[project]\nname = "test"\nversion = "0.1.0"\n[project.optional-dependencies]\ntest = [\n    "definitely not a valid PEP 508 requirement!",\n]\n`, /\[project\.optional-dependencies\] test\[0\]: "definitely not a valid PEP 508 requirement!" is not a valid PEP 508 requirement/),
  loadCase("Invalid requires-python type", `[project]\nname = "test"\nversion = "0.1.0"\nrequires-python = true\n`, /\[project\] requires-python must be a string, but it is boolean true/),
  loadCase("Invalid requires-python value", `[project]\nname = "test"\nversion = "0.1.0"\nrequires-python = "3.8"\n`, /\[project\] requires-python "3\.8" is not a PEP 440 specifier set: "3\.8" is not a version specifier/),
  loadCase("Invalid keywords type", `[project]\nname = "test"\nversion = "0.1.0"\nkeywords = "some string!"\n`, /\[project\] keywords must be an array of strings, but it is the string "some string!"/),
  loadCase("Invalid keyword type", `[project]\nname = "test"\nversion = "0.1.0"\nkeywords = [3]\n`, /\[project\] keywords\[0\] must be a string, but it is number 3/),
  loadCase("Invalid keywords item type", `[project]\nname = "test"\nversion = "0.1.0"\nkeywords = [\n    true,\n]\n`, /\[project\] keywords\[0\] must be a string, but it is boolean true/),
  loadCase("Invalid authors type", `[project]\nname = "test"\nversion = "0.1.0"\nauthors = {}\n`, /\[project\] authors must be an array of tables, but it is a table/),
  loadCase("Invalid authors item type", `[project]\nname = "test"\nversion = "0.1.0"\nauthors = [\n    true,\n]\n`, /\[project\] authors\[0\] must be a table, but it is boolean true/),
  loadCase("Invalid maintainers type", `[project]\nname = "test"\nversion = "0.1.0"\nmaintainers = {}\n`, /\[project\] maintainers must be an array of tables, but it is a table/),
  loadCase("Invalid maintainers item type", `[project]\nname = "test"\nversion = "0.1.0"\nmaintainers = [\n    10\n]\n`, /\[project\] maintainers\[0\] must be a table, but it is number 10/),
  loadCase("Invalid maintainers nested type", `[project]\nname = "test"\nversion = "0.1.0"\nmaintainers = [\n    {"name" = 12}\n]\n`, /\[project\] maintainers\[0\]\.name must be a string, but it is number 12/),
  // (a second param with the id "Invalid maintainers nested type": an extra key)
  loadCase("Invalid maintainers nested type", `[project]\nname = "test"\nversion = "0.1.0"\nmaintainers = [\n    {"name" = "me", "other" = "you"}\n]\n`, /\[project\] maintainers\[0\]\.other is not a known key/),
  loadCase("Invalid classifiers type", `[project]\nname = "test"\nversion = "0.1.0"\nclassifiers = "some string!"\n`, /\[project\] classifiers must be an array of strings, but it is the string "some string!"/),
  loadCase("Invalid classifiers item type", `[project]\nname = "test"\nversion = "0.1.0"\nclassifiers = [\n    true,\n]\n`, /\[project\] classifiers\[0\] must be a string, but it is boolean true/),
  loadCase("Invalid urls homepage type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.urls]\nhomepage = true\n`, /\[project\.urls\] homepage must be a string, but it is boolean true/),
  loadCase("Invalid urls documentation type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.urls]\ndocumentation = true\n`, /\[project\.urls\] documentation must be a string, but it is boolean true/),
  loadCase("Invalid urls repository type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.urls]\nrepository = true\n`, /\[project\.urls\] repository must be a string, but it is boolean true/),
  loadCase("Invalid urls changelog type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.urls]\nchangelog = true\n`, /\[project\.urls\] changelog must be a string, but it is boolean true/),
  loadCase("Invalid scripts type", `[project]\nname = "test"\nversion = "0.1.0"\nscripts = []\n`, /\[project\] scripts must be a table, but it is an array/),
  loadCase("Invalid gui-scripts type", `[project]\nname = "test"\nversion = "0.1.0"\ngui-scripts = []\n`, /\[project\] gui-scripts must be a table, but it is an array/),
  loadCase("Invalid entry-points type", `[project]\nname = "test"\nversion = "0.1.0"\nentry-points = []\n`, /\[project\] entry-points must be a table, but it is an array/),
  loadCase("Invalid entry-points section type", `[project]\nname = "test"\nversion = "0.1.0"\nentry-points = { section = "something" }\n`, /\[project\.entry-points\] section must be a table, but it is the string "something"/),
  loadCase("Invalid entry-points entrypoint type", `[project]\nname = "test"\nversion = "0.1.0"\n[project.entry-points.section]\nentrypoint = []\n`, /\[project\.entry-points\.section\] entrypoint must be a string, but it is an array/),
  loadCase("Invalid project name", `[project]\nname = ".test"\nversion = "0.1.0"\n`, /\[project\] name "\.test" is not a valid project name/),
  loadCase("Invalid entry-points name", `[project]\nname = "test"\nversion = "0.1.0"\n[project.entry-points.bad-name]\n`, /\[project\.entry-points\] bad-name is not a valid entry point group name/),
  loadCase("Both license files and classic license", `[project]\nname = "test"\nversion = "0.1.0"\nlicense-files = []\nlicense.text = 'stuff'\n`, /\[project\] license-files cannot be combined with the legacy table form of \[project\] license/),
  loadCase("Parent license-files glob", `[project]\nname = "test"\nversion = "0.1.0"\nlicense-files = ['../LICENSE']\n`, /\[project\] license-files pattern "\.\.\/LICENSE" must be relative to the project root/),
  loadCase("Parent license-files invalid type", `[project]\nname = "test"\nversion = "0.1.0"\nlicense-files = [12]\n`, /\[project\] license-files\[0\] must be a string, but it is number 12/),
  // (a second param with the id "Parent license-files invalid type")
  loadCase("Parent license-files invalid type", `[project]\nname = "test"\nversion = "0.1.0"\nlicense-files = ['this', 12]\n`, /\[project\] license-files\[1\] must be a string, but it is number 12/),
  loadCase("Absolute license-files glob", `[project]\nname = "test"\nversion = "0.1.0"\nlicense-files = ['/LICENSE']\n`, /\[project\] license-files pattern "\/LICENSE" must be relative to the project root/),
  loadCase("SPDX license and License trove classifiers", `[project]\nname = "test"\nversion = "0.1.0"\nlicense = 'MIT'\nclassifiers = ['License :: OSI Approved :: MIT License']\n`, /\[project\] classifiers lists "License :: OSI Approved :: MIT License", but \[project\] license is an SPDX expression/),

  // ---- invalid: test_load_multierror (binwheel stops at its first error), by param id ----
  { name: "test_load_multierror[Missing project name]", toml: `[project]`, files: FULL_METADATA, error: /\[project\] name is missing/ },
  {
    name: "test_load_multierror[Unsupported field in project.dynamic]",
    toml: `[project]\nname = true\nversion = "0.1.0"\ndynamic = [\n    "name",\n]\n`,
    files: FULL_METADATA,
    error: /\[project\] name must be a string, but it is boolean true/,
  },
  {
    name: "test_load_multierror[Unsupported type in project.dynamic]",
    toml: `[project]\nname = true\nversion = "0.1.0"\ndynamic = [\n    3,\n]\n`,
    files: FULL_METADATA,
    error: /\[project\] name must be a string, but it is boolean true/,
  },
  // (binwheel reads the readme before the license files, so it reports the suite's second error)
  {
    name: "test_load_multierror[Unsupported filename in readme]",
    toml: `[project]\nname = 'test'\nversion = "0.1.0"\nreadme = "README.jpg"\nlicense-files = [12]\n`,
    files: FULL_METADATA,
    error: /\[project\] readme "README\.jpg" has an unknown extension/,
  },
  {
    name: "test_load_multierror[Four errors including extra keys]",
    toml: `[project]\nname = 'test'\nversion = "0.1.0"\nreadme = "README.jpg"\nlicense-files = [12]\nentry-points.bad-name = {}\nother-entry = {}\nnot-valid = true\n`,
    files: FULL_METADATA,
    error: /\[project\] other-entry is not a known key/,
  },

  // ---- the other test functions ----
  // test_value: tests/packages/full-metadata/pyproject.toml. Its URLs have no scheme, which PyPI
  // refuses ("Use valid URL"), so binwheel refuses them too.
  {
    name: "test_value (full-metadata)",
    toml: `[project]
name = 'full_metadata'
version = '3.2.1'
description = 'A package with all the metadata :)'
readme = 'README.md'
license = { text = 'some license text' }
keywords = ['trampolim', 'is', 'interesting']
authors = [
    { email = 'example@example.com' },
    { name = 'Example!' },
]
maintainers = [
    { name = 'Emailless' },
    { name = 'Other Example', email = 'other@example.com' },
]
classifiers = [
    'Development Status :: 4 - Beta',
    'Programming Language :: Python',
]

requires-python = '>=3.9'
dependencies = [
    'dependency1',
    'dependency2>1.0.0',
    'dependency3[extra]',
    'dependency4; os_name != "nt"',
    'dependency5[other-extra]>1.0; os_name == "nt"',
]

[project.optional-dependencies]
test = [
    'test_dependency',
    'test_dependency[test_extra]',
    'test_dependency[test_extra2] > 3.0; os_name == "nt"',
]

[project.urls]
homepage = 'example.com'
documentation = 'readthedocs.org'
repository = 'github.com/some/repo'
changelog = 'github.com/some/repo/blob/master/CHANGELOG.rst'

[project.scripts]
full-metadata = 'full_metadata:main_cli'

[project.gui-scripts]
full-metadata-gui = 'full_metadata:main_gui'

[project.entry-points.custom]
full-metadata = 'full_metadata:main_custom'
`,
    files: FULL_METADATA,
    error: /\[project\] urls\.homepage "example\.com" is not a valid http\(s\) URL/,
  },
  // test_read_license: tests/packages/full-metadata2/pyproject.toml, its URLs given a scheme (see above)
  {
    name: "test_read_license (full-metadata2, https URLs)",
    toml: `[project]
name = 'full-metadata2'
version = '3.2.1'
description = 'A package with all the metadata :)'
readme = 'README.rst'
license = { file = 'LICENSE' }
keywords = ['trampolim', 'is', 'interesting']
authors = [
    { email = 'example@example.com' },
    { name = 'Example!' },
]
maintainers = [
    { name = 'Other Example', email = 'other@example.com' },
]
classifiers = [
    'Development Status :: 4 - Beta',
    'Programming Language :: Python',
]

requires-python = '>=3.9'
dependencies = [
    'dependency1',
    'dependency2>1.0.0',
    'dependency3[extra]',
    'dependency4; os_name != "nt"',
    'dependency5[other-extra]>1.0; os_name == "nt"',
]

[project.optional-dependencies]
test = [
    'test_dependency',
    'test_dependency[test_extra]',
    'test_dependency[test_extra2] > 3.0; os_name == "nt"',
]

[project.urls]
homepage = 'https://example.com'
documentation = 'https://readthedocs.org'
repository = 'https://github.com/some/repo'
changelog = 'https://github.com/some/repo/blob/master/CHANGELOG.rst'

[project.scripts]
full-metadata = 'full_metadata:main_cli'

[project.gui-scripts]
full-metadata-gui = 'full_metadata:main_gui'

[project.entry-points.custom]
full-metadata = 'full_metadata:main_custom'
`,
    files: { "README.rst": "some readme 👋\n", LICENSE: "Some license! 👋\n" },
  },
  // test_readme_content_type_unknown (tests/packages/unknown-readme-type)
  {
    name: "test_readme_content_type_unknown",
    toml: `[project]\nname = 'unknown-readme-type'\nversion = '1.2.3'\nreadme = 'README.just-made-this-up-now'\n`,
    files: { "README.just-made-this-up-now": "x" },
    error: /\[project\] readme "README\.just-made-this-up-now" has an unknown extension/,
  },
  // test_as_rfc822_spdx_empty_glob (tests/packages/spdx without its AUTHORS.txt)
  {
    name: "test_as_rfc822_spdx_empty_glob",
    toml: `[project]\nname = "example"\nversion = "1.2.3"\nlicense = "MIT OR GPL-2.0-or-later OR (FSFUL AND BSD-2-Clause)"\nlicense-files = ["LICEN[CS]E*", "AUTHORS*", "licenses/LICENSE.MIT"]\n`,
    files: { "LICENSE.md": "x", "LICENSE.txt": "x", "licenses/LICENSE.MIT": "x" },
    error: /\[project\] license-files pattern "AUTHORS\*" matches no file/,
  },
  // test_stically_defined_dynamic_field
  {
    name: "test_stically_defined_dynamic_field",
    toml: `[project]\nname = "example"\nversion = "1.2.3"\ndynamic = ["version"]\n`,
    error: /\[project\] version is set and also listed in \[project\] dynamic/,
  },
  // test_missing_keys_warns (a warning there; binwheel refuses unknown keys, as test_load does with allow_extra_keys=False)
  {
    name: "test_missing_keys_warns",
    toml: `[project]\nname = "example"\nversion = "1.2.3"\nnot-real-key = true\n`,
    error: /\[project\] not-real-key is not a known key/,
  },
  // test_multiline_description_warns (a warning there; packaging, and so PyPI, refuses a multi-line Summary)
  {
    name: "test_multiline_description_warns",
    toml: `[project]\nname = "example"\nversion = "1.2.3"\ndescription = "this\\nis multiline"\n`,
    error: /\[project\] description must be a single line/,
  },
  // test_requires_python[<3.10], [>3.7,<3.11], [>3.7,<3.11,!=3.8.4], [~=3.10,!=3.10.3]
  ...["<3.10", ">3.7,<3.11", ">3.7,<3.11,!=3.8.4", "~=3.10,!=3.10.3"].map((value) => ({
    name: `test_requires_python[${value}]`,
    toml: `[project]\nname = "example"\nversion = "0.1.0"\nrequires-python = "${value}"\n`,
  })),
  // test_version_dynamic
  { name: "test_version_dynamic", toml: `[project]\nname = "example"\ndynamic = [\n    "version",\n]\n` },
  // test_load_with_metadata_version_warnings[Classic license with metadata 2.4] (a warning only)
  { name: "test_load_with_metadata_version_warnings[Classic license with metadata 2.4]", toml: `[project]\nname = "test"\nversion = "0.1.0"\nlicense.text = 'MIT'\n` },
  // test_load_with_metadata_version_warnings[License trove classifiers with metadata 2.4] (a warning only)
  {
    name: "test_load_with_metadata_version_warnings[License trove classifiers with metadata 2.4]",
    toml: `[project]\nname = "test"\nversion = "0.1.0"\nclassifiers = ['License :: OSI Approved :: MIT License']\n`,
  },
  // test_as_rfc822_set_metadata (extras are normalized: under-score, da-sh, do-t, empty)
  {
    name: "test_as_rfc822_set_metadata",
    toml: `[project]\nname = "hi"\nversion = "1.2"\n[project.optional-dependencies]\nunder_score = ["some_package"]\nda-sh = ["some-package"]\n"do.t" = ["some.package"]\nempty = []\n`,
  },
  // tests/test_rfc822.py test_convert_optional_dependencies
  {
    name: "test_rfc822.py test_convert_optional_dependencies",
    toml: `[project]\nname = "example"\nversion = "0.1.0"\n[project.optional-dependencies]\ntest = [\n  'foo; os_name == "nt" or sys_platform == "win32"',\n  'bar; os_name == "posix" and sys_platform == "linux"',\n]\n`,
  },
  // tests/test_rfc822.py test_convert_author_email
  {
    name: "test_rfc822.py test_convert_author_email",
    toml: `[project]\nname = "example"\nversion = "0.1.0"\nauthors = [\n  { name = "John Doe, Inc.", email = "johndoe@example.com" },\n  { name = "Kate Doe, LLC.", email = "katedoe@example.com" },\n]\n`,
  },
  // tests/test_rfc822.py test_long_version
  {
    name: "test_rfc822.py test_long_version",
    toml: `[project]\nname = "example"\nversion = "0.0.0+super.duper.long.version.string.that.is.longer.than.sixty.seven.characters"\n`,
    pypiRefuses: /is a local version \(after "\+"\), which PyPI refuses/,
  },
];

/**
 * Writes the case into a temp project: pyproject.toml, its files, and a module named like the
 * project (binwheel's default package), which also holds the version for `dynamic = ["version"]`.
 */
function projectOf(c: Case): string {
  const files: Record<string, string> = { ...c.files };
  let text = c.toml;
  let project: { name?: unknown; dynamic?: unknown } = {};
  try {
    project = (toml.parse(text) as { project?: typeof project }).project ?? {};
  } catch {
    // not TOML: binwheel's error is what the case is about
  }
  if (typeof project.name === "string" && isValidProjectName(project.name)) {
    const module = `${escapedName(project.name)}.py`;
    files[module] = '__version__ = "1.0"\n';
    if (Array.isArray(project.dynamic) && project.dynamic.includes("version")) {
      text += `\n[tool.binwheel]\nversion = { file = "${module}" }\n`;
    }
  }
  return tempProject({ "pyproject.toml": text, ...files });
}

function errorOf(c: Case): string {
  try {
    loadProject(projectOf(c));
  } catch (e) {
    return (e as Error).message;
  }
  return "(no error)";
}

/** Loads a valid case, renders METADATA and returns it, after `binwheel check`'s rules accept it. */
function metadataOf(c: Case): string {
  const { metadata } = loadProject(projectOf(c));
  const text = renderMetadata(metadata);
  const problems = checkCoreMetadata(parseCoreMetadata(text), {
    licenseFiles: new Set(metadata.licenseFiles.map((f) => f.relative)),
    kind: "METADATA",
  });
  if (c.pypiRefuses) expect(problems.map(([, message]) => message)).toEqual([expect.stringMatching(c.pypiRefuses)]);
  else expect(problems).toEqual([]);
  return text;
}

describe.each([
  ["validate-pyproject", validatePyproject],
  ["pyproject-metadata", pyprojectMetadata],
])("%s cases", (_, cases) => {
  const valid = cases.filter((c) => c.error === undefined);
  const invalid = cases.filter((c) => c.error !== undefined);

  it.each(valid.map((c) => [c.name, c] as const))("accepts %s", (_, c) => {
    metadataOf(c);
  });

  it.each(invalid.map((c) => [c.name, c] as const))("refuses %s", (_, c) => {
    const message = errorOf(c);
    expect(message).toMatch(c.error!);
    expect(message).toMatch(/^(pyproject\.toml: |\S+ has no \[project\])/);
    expect(message).not.toContain("\n");
  });
});

describe("rendering the suites' cases", () => {
  const find = (name: string) => pyprojectMetadata.find((c) => c.name === name)!;

  it("quotes names with commas in Author-email (test_convert_author_email)", () => {
    expect(metadataOf(find("test_rfc822.py test_convert_author_email"))).toContain(
      'Author-email: "John Doe, Inc." <johndoe@example.com>, "Kate Doe, LLC." <katedoe@example.com>\n',
    );
  });

  it("normalizes extra names (test_as_rfc822_set_metadata)", () => {
    const text = metadataOf(find("test_as_rfc822_set_metadata"));
    for (const extra of ["under-score", "da-sh", "do-t", "empty"]) expect(text).toContain(`Provides-Extra: ${extra}\n`);
    expect(text).toContain('Requires-Dist: some_package; extra == "under-score"\n');
    expect(text).toContain('Requires-Dist: some.package; extra == "do-t"\n');
  });

  it("keeps an `or` marker apart from the extra (test_convert_optional_dependencies)", () => {
    expect(metadataOf(find("test_rfc822.py test_convert_optional_dependencies"))).toContain(
      'Requires-Dist: foo; (os_name == "nt" or sys_platform == "win32") and extra == "test"\n',
    );
  });

  it("writes names without an email in Author, emails in Author-email (full-metadata2)", () => {
    const text = metadataOf(find("test_read_license (full-metadata2, https URLs)"));
    expect(text).toContain("Author: Example!\nAuthor-email: example@example.com\n");
    expect(text).toContain("Maintainer-email: Other Example <other@example.com>\n");
    expect(text).toContain("License-File: LICENSE\n");
  });
});

// binwheel's own cases for issue 12 (not from the suites).
describe("binwheel's [project] rules", () => {
  const project = (extra: string) => `[project]\nname = "demo"\nversion = "1.0"\n${extra}\n`;
  const load = (extra: string) => metadataOf({ name: "", toml: project(extra) });
  const refuse = (extra: string) => errorOf({ name: "", toml: project(extra) });

  it("accepts names with commas, as flit, hatchling, setuptools, maturin and pyproject-metadata do", () => {
    const text = load(`authors = [{ name = "Jane, Doe", email = "j@example.com" }, { name = "Example, Inc." }]
maintainers = [{ name = 'Back\\slash "Q"', email = "q@example.com" }]`);
    expect(text).toContain('Author: Example, Inc.\nAuthor-email: "Jane, Doe" <j@example.com>\n');
    expect(text).toContain('Maintainer-email: "Back\\\\slash \\"Q\\"" <q@example.com>\n');
  });

  it("writes addresses that binwheel check reads back, quoted specials and all", () => {
    const text = load(`authors = [{ name = "Fish & Chips <3, Ltd.", email = "a@example.com" }, { email = "b@example.com" }]`);
    expect(text).toContain('Author-email: "Fish & Chips <3, Ltd." <a@example.com>, b@example.com\n');
    const check = (value: string) =>
      checkCoreMetadata(parseCoreMetadata(`Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nMaintainer-email: ${value}\n`), { licenseFiles: new Set(), kind: "METADATA" });
    expect(check('"Jane, Doe" <jane>')).toEqual([["BW408", 'Maintainer-email "\"Jane, Doe\" <jane>" is not a valid address, which PyPI refuses']]);
    expect(check('"Unterminated <u@example.com>')).toEqual([["BW408", 'Maintainer-email "\"Unterminated <u@example.com>" is not a valid address, which PyPI refuses']]);
    expect(check('Plain Name <p@example.com>, "Q \\"R\\"" <q@example.com>')).toEqual([]);
  });

  it("still refuses what PyPI refuses: an invalid email", () => {
    expect(refuse(`authors = [{ name = "Jane, Doe", email = "jane" }]`)).toMatch(/\[project\] authors\[0\]\.email "jane" is not a valid email address/);
  });

  it.each([
    ["..", `[project.scripts]\n".." = "demo:main"`, /\[project\] scripts\."\.\.": a command name may only contain letters/],
    [".hidden", `[project.gui-scripts]\n".hidden" = "demo:main"`, /\[project\] gui-scripts\."\.hidden": a command name may only contain letters/],
    ["a/b", `[project.scripts]\n"a/b" = "demo:main"`, /\[project\] scripts\."a\/b": a command name/],
  ])("refuses the command name %s", (_, extra, message) => {
    expect(refuse(extra)).toMatch(message);
  });

  it("keeps the general name rule for other entry point groups", () => {
    expect(load(`[project.entry-points."demo.plugins"]\n".x" = "demo:x"`)).toBeDefined();
    expect(refuse(`[project.entry-points."demo.plugins"]\n"a b" = "demo:x"`)).toMatch(/\[project\.entry-points\] "demo\.plugins"\."a b": the name may only contain/);
  });

  it.each([
    ["bad-name", /\[project\.entry-points\] bad-name is not a valid entry point group name/],
    ["a..b", /\[project\.entry-points\] "a\.\.b" is not a valid entry point group name/],
    [".a", /\[project\.entry-points\] "\.a" is not a valid entry point group name/],
  ])("refuses the entry point group %s", (group, message) => {
    expect(refuse(`[project.entry-points."${group}"]\nx = "demo:x"`)).toMatch(message);
  });

  it.each([">=3.9", ">= 3.9, < 4", "==3.*", "!=3.9.1", "~=3.9", "===3.9-custom", ">=3.9.0rc1", "==3.9+local"])("accepts requires-python %j", (value) => {
    expect(load(`requires-python = "${value}"`)).toContain(`Requires-Python: ${value}\n`);
  });

  it.each(["3.8", "", ">=3.8,", ">=3.*", "~=3", ">=3.9+local", "~=3.9.*", ">=three", "python>=3.8", ">=3.8; os_name == 'nt'"])("refuses requires-python %j", (value) => {
    expect(refuse(`requires-python = "${value}"`)).toMatch(/^pyproject\.toml: \[project\] requires-python ".*" is not a PEP 440 specifier set: /);
  });

  it("checks the version specifiers of dependencies with the same rules", () => {
    expect(refuse(`dependencies = ["requests>=2.*"]`)).toMatch(/\[project\] dependencies\[0\]: "requests>=2\.\*" is not a valid PEP 508 requirement: ">=2\.\*" is not a valid version specifier/);
    expect(refuse(`[project.optional-dependencies]\nx = ["a", "b~=1"]`)).toMatch(/\[project\.optional-dependencies\] x\[1\]: "b~=1"/);
  });
});
