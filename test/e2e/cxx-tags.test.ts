// Issue 20 end to end: a C++ program compiled here by g++ against libstdc++ (std::thread and
// std::condition_variable: on GCC 12, GLIBCXX_3.4.30, which asks for a newer policy than its
// GLIBC_2.34 alone) and a shared library of its own that it finds through RUNPATH $ORIGIN/../lib,
// packed as an upstream release asset and built by pip into a wheel. The wheel carries the tags
// auditwheel would give (readelf and auditwheel's JSON decide, test/support/auditwheel-oracle.ts),
// installs, and runs. Without the include rule that bundles the library, the build stops and says
// which file needs which library, and where to put it.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditwheelTags } from "../support/auditwheel-oracle.js";
import { installInVenv, onlyWheel, pipWheel, validateWheel } from "../support/python.js";

const PROGRAM = `#include <algorithm>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
int greeting();
int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::sort(args.begin(), args.end());
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread t([&] { std::lock_guard<std::mutex> g(m); ready = true; cv.notify_one(); });
  { std::unique_lock<std::mutex> l(m); while (!ready) cv.wait(l); }
  t.join();
  std::string joined;
  for (auto &a : args) joined += a + ",";
  std::cout << "sorted: " << joined << " greeting=" << greeting() << std::endl;
  return 0;
}
`;

let work: string;
let assets: string;
let tool: string;
let library: string;

/** A project whose wheel takes bin/* and, with `bundle`, lib/* of the asset into demo/_bin/{platform}/. */
function project(name: string, bundle: boolean): string {
  const root = path.join(work, name);
  mkdirSync(path.join(root, "demo"), { recursive: true });
  writeFileSync(path.join(root, "demo/__init__.py"), "");
  writeFileSync(path.join(root, "pyproject.toml"), `[project]
name = "demo-cxx"
version = "1.0"

[build-system]
requires = ["binwheel"]
build-backend = "binwheel"

[tool.binwheel]
packages = ["demo"]

[tool.binwheel.upstream]
github = "acme/demo"
asset = "demo-{version}-{target}.tar.gz"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = "auto"

[[tool.binwheel.include]]
from = "bin/*"
to = "demo/_bin/{platform}/bin"
${bundle ? '\n[[tool.binwheel.include]]\nfrom = "lib/*"\nto = "demo/_bin/{platform}/lib"\n' : ""}
[tool.binwheel.scripts]
demo-tool = "tool"
`);
  return root;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-cxx-"));
  const stage = path.join(work, "stage", "demo-1.0");
  mkdirSync(path.join(stage, "bin"), { recursive: true });
  mkdirSync(path.join(stage, "lib"), { recursive: true });
  writeFileSync(path.join(work, "greet.cpp"), "#include <string>\nint greeting() { return static_cast<int>(std::to_string(42).size()) * 21; }\n");
  writeFileSync(path.join(work, "tool.cpp"), PROGRAM);
  library = path.join(stage, "lib", "libgreet.so");
  tool = path.join(stage, "bin", "tool");
  execFileSync("g++", ["-O1", "-shared", "-fPIC", "-o", library, path.join(work, "greet.cpp")]);
  execFileSync("g++", ["-O1", "-pthread", "-o", tool, path.join(work, "tool.cpp"), `-L${path.dirname(library)}`, "-lgreet", "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib"]);
  chmodSync(tool, 0o755);
  assets = path.join(work, "assets");
  mkdirSync(assets);
  execFileSync("tar", ["-czf", path.join(assets, "demo-1.0-x86_64-unknown-linux-gnu.tar.gz"), "-C", path.dirname(stage), "demo-1.0"]);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const env = () => ({ BINWHEEL_ASSET_DIR: assets, BINWHEEL_CACHE_DIR: path.join(work, "cache") });

describe("a C++ program linked against libstdc++, built by pip", () => {
  it("gets auditwheel's tags, installs and runs", async () => {
    const versions = execFileSync("readelf", ["-V", "-W", tool], { encoding: "utf8" });
    expect(versions).toMatch(/File: libstdc\+\+\.so\.6/);
    const expected = auditwheelTags([tool, library], "x86_64", ["libgreet.so"]);
    const dist = path.join(work, "dist");
    const built = await pipWheel("python3", project("bundled", true), dist, { env: env() });
    expect(built.exitCode, built.all).toBe(0);
    const wheel = onlyWheel(dist);
    expect(path.basename(wheel)).toBe(`demo_cxx-1.0-py3-none-${expected.join(".")}.whl`);
    const summary = await validateWheel(wheel);
    expect(summary.files).toEqual(expect.arrayContaining(["demo/_bin/linux-x86_64/bin/tool", "demo/_bin/linux-x86_64/lib/libgreet.so"]));
    const bin = await installInVenv("python3", path.join(work, "venv"), wheel);
    const run = await execa(path.join(bin, "demo-tool"), ["pear", "apple", "fig"]);
    expect(run.stdout).toBe("sorted: apple,fig,pear, greeting=42");
  });

  it("stops without the library the program needs, saying where it must go", async () => {
    const built = await pipWheel("python3", project("unbundled", false), path.join(work, "dist-unbundled"), { env: env() });
    expect(built.exitCode).not.toBe(0);
    expect(built.all).toContain(
      "demo/_bin/linux-x86_64/bin/tool needs libgreet.so, which is not one of the system libraries a manylinux wheel may load (auditwheel's policy (pypa/auditwheel at 2d1ad63)), " +
        "and the wheel has no libgreet.so where demo/_bin/linux-x86_64/bin/tool looks for it (demo/_bin/linux-x86_64/lib). " +
        "Bundle it: add an include rule that copies libgreet.so from the asset into demo/_bin/linux-x86_64/lib/, or use an upstream build that links it statically.",
    );
  });
});
