// Build time and peak memory for a large upstream asset (default 60 MiB of binaries), binwheel
// side by side with a direct zipfile script (the zig-pypi style incumbent), same archive, same run.
//
//   npm run bench:large [-- MiB [runs]]
//
// binwheel runs as `binwheel build` (the bundled core under Node) against the local GitHub
// stand-in, so its time includes the download over loopback; the incumbent reads the archive
// from disk. Peak memory is the kernel's max RSS from /usr/bin/time.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { EM, elf } from "../test/support/binaries.js";
import { packTarGz, type FixtureFile } from "../test/support/fixtures.js";
import { GitHubStandIn } from "../test/support/github-standin.js";
import { REPO, assembleExampleProject } from "../test/support/project.js";

const mib = Number(process.argv[2] ?? 60);
const runs = Number(process.argv[3] ?? 3);
const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");

/**
 * A binary that compresses like real code: a minimal static x86-64 ELF header (so binwheel
 * inspects it, as it would a real one) followed by a window of this machine's node executable.
 */
function codeBytes(size: number, seed: number): Buffer {
  const source = process.execPath;
  const total = statSync(source).size;
  const out = Buffer.alloc(size);
  const header = elf({ machine: EM.X86_64 });
  header.copy(out);
  const fd = openSync(source, "r");
  try {
    for (let done = header.length, at = (seed * 7_340_033) % total; done < size; at = 0) {
      done += readSync(fd, out, done, Math.min(size - done, total - at), at);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

const INCUMBENT = `
import base64, hashlib, sys, tarfile, zipfile
archive, out = sys.argv[1], sys.argv[2]
rows = []
with tarfile.open(archive, "r|gz") as tar, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for m in tar:
        if not m.isfile():
            continue
        kind, name = m.name.split("/")[-2:]
        arc = "toondb/%s/linux-x86_64/%s" % ("_bin" if kind == "bin" else "lib", name)
        info = zipfile.ZipInfo(arc, (1980, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | (m.mode & 0o777)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        h = hashlib.sha256(); n = 0
        src = tar.extractfile(m)
        with z.open(info, "w") as dst:
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                h.update(chunk); n += len(chunk); dst.write(chunk)
        rows.append("%s,sha256=%s,%d" % (arc, base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode(), n))
    z.writestr("toondb_client-0.3.2.dist-info/RECORD", "\\n".join(rows) + "\\n")
`;

interface Sample { wall: number; peakMiB: number; bytes: number }

async function timed(cmd: string, args: string[], env: Record<string, string>, output: () => string): Promise<Sample> {
  const r = await execa("/usr/bin/time", ["-f", "%e %M", cmd, ...args], { env: { ...process.env, ...env }, reject: false });
  if (r.exitCode !== 0) throw new Error(`${cmd} failed:\n${r.stderr}`);
  const [wall, kib] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { wall: wall!, peakMiB: kib! / 1024, bytes: statSync(output()).size };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = mkdtempSync(path.join(tmpdir(), "binwheel-bench-"));
const github = await GitHubStandIn.start();
try {
  const shares: [string, number, number][] = [
    ["bin/toondb-server", 0.36, 0o755], ["bin/toondb-grpc-server", 0.27, 0o755], ["bin/toondb-bulk", 0.14, 0o755],
    ["lib/libtoondb_storage.so", 0.15, 0o644], ["lib/libtoondb_index.so", 0.08, 0o644],
  ];
  const files: FixtureFile[] = shares.map(([p, share, mode], i) => ({ path: p, content: codeBytes(Math.round(mib * 1048576 * share), i + 1), mode }));
  const archive = path.join(work, "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz");
  writeFileSync(archive, await packTarGz(files));
  github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.2", assets: [{ name: path.basename(archive), data: { file: archive } }] });
  const project = assembleExampleProject(path.join(work, "project"));
  process.stderr.write(`binaries ${mib} MiB, archive ${(statSync(archive).size / 1048576).toFixed(1)} MiB, ${runs} runs each (alternating)\n`);

  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(work, `out-${i}`);
    // A fresh download cache each run: this measures a cold build, download included.
    ours.push(await timed("node", [CORE, "build", project, "--out-dir", out], { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: path.join(work, `cache-${i}`) },
      () => path.join(out, "toondb_client-0.3.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64.whl")));
    const wheel = path.join(work, `incumbent-${i}.whl`);
    theirs.push(await timed("python3", ["-c", INCUMBENT, archive, wheel], {}, () => wheel));
    rmSync(out, { recursive: true, force: true });
  }
  const row = (name: string, s: Sample[]) =>
    `| ${name} | ${median(s.map((x) => x.wall)).toFixed(2)} | ${median(s.map((x) => x.peakMiB)).toFixed(1)} | ${(median(s.map((x) => x.bytes)) / 1048576).toFixed(1)} |`;
  const ratios = ours.map((o, i) => o.wall / theirs[i]!.wall);
  process.stdout.write([
    `| ${mib} MiB of binaries | wall s (median) | peak RSS MiB | wheel MiB |`,
    "|---|---|---|---|",
    row("binwheel build (download + wheel)", ours),
    row("direct zipfile script (from disk)", theirs),
    "",
    `paired wall ratio binwheel / direct script: median ${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(", ")})`,
    "",
  ].join("\n"));
} finally {
  await github.close();
  rmSync(work, { recursive: true, force: true });
}
