// `path = "target/{target}/release"`: binaries already on disk, in the project. A folder is the
// unpacked layout itself (include rules match paths inside it, no top folder is dropped); a file
// is read like a downloaded asset (an archive or a bare binary) and checked against a `sha256` pin
// when there is one. A folder has no hash: a pin or require-checksum with one is an error. Nothing
// is cached (the files change with every build of them). The path must stay inside the project
// once links are followed.
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fail } from "../../errors.js";
import { isInside } from "../../fs/files.js";
import { detail } from "../../log.js";
import type { TargetPlan } from "../../plan/target-plan.js";
import { checkHash, hashFile, type ExpectedHash } from "../../fs/hash.js";

export interface LocalAsset {
  file: string;
  /** A file's sha256; "" for a folder, which has none (and is never cached). */
  sha256: string;
  cached: false;
  folder?: true;
}

export async function localAsset(plan: TargetPlan, root: string, pin: ExpectedHash | undefined): Promise<LocalAsset> {
  const template = (plan.upstream.source as { template: string }).template;
  const relative = plan.location!;
  const setting = `[tool.binwheel.upstream] path = "${template}"`;
  const absolute = path.join(root, ...relative.split("/"));
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    fail(
      `${setting} gives "${relative}" for ${plan.target.triple}, and ${absolute} does not exist. ` +
        `Build the binaries first (for a Rust project: cargo build --release --target ${plan.target.triple}), or fix the path.`,
    );
  }
  if (!isInside(realpathSync(root), real)) {
    fail(`${setting} gives "${relative}" for ${plan.target.triple}, which leads to ${real}, outside the project (through a link). The binaries must be inside the project; copy them in, or point path at them there.`);
  }
  const stat = statSync(real);
  if (stat.isDirectory()) {
    if (pin) fail(`${setting} gives the folder "${relative}" for ${plan.target.triple}, but ${pin.source} pins a hash for it; a folder has none. Remove the pin (or the lock's entry, with binwheel lock), or point path at an archive.`);
    if (plan.upstream.requireChecksum) {
      fail(
        `${setting} gives the folder "${relative}" for ${plan.target.triple}, and [tool.binwheel.upstream] require-checksum is on, but a folder has no one hash to check, so the build stops here. ` +
          "Point path at an archive and pin its sha256, or turn require-checksum off for binaries the project builds itself.",
      );
    }
    detail(`using the folder ${real} as the layout for ${plan.target.triple}`);
    return { file: real, sha256: "", cached: false, folder: true };
  }
  if (!stat.isFile()) fail(`${setting} gives "${relative}" for ${plan.target.triple}, which is neither a file nor a folder.`);
  const hashes = await hashFile(real, pin?.sha512 ? ["sha256", "sha512"] : ["sha256"]);
  if (pin) checkHash(plan.assetName, relative, hashes, pin);
  else if (plan.upstream.requireChecksum) {
    fail(`no sha256 is known for ${relative}: [tool.binwheel.upstream] require-checksum is on and sha256 pins nothing for ${plan.target.triple}, so the build stops here. Pin the file's hash (${hashes.sha256}).`);
  }
  return { file: real, sha256: hashes.sha256, cached: false };
}
