// Compressed members kept between builds: deflate streams named by the sha256 of their content
// (and by the compression format, so a hit always gives the same bytes), plus one manifest per
// upstream asset listing its entries and which members they compressed to. A second build from
// the same asset (another Python under cibuildwheel, a rebuild) then copies members into the new
// zip without decompressing or compressing anything.
//
// Nothing here is trusted on sight: each manifest carries the sha256 of its own entries (a flipped
// byte in a recorded CRC or size would otherwise reach a zip header), and each member records the
// sha256 of its deflate stream, checked while the stream is copied (member.ts). A damaged manifest
// is reported, deleted and rebuilt by scanning the asset again.
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, rmSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";
import type { BinaryInfo } from "../inspect/inspect.js";
import type { EntryType } from "../archive/entries.js";
import { warn } from "../log.js";
import { NotRegularFile, readRegular, regularStats } from "../fs/regular-file.js";
import { discard, sweepTemporaries, temporaryPath, writeThroughTemporary } from "../fs/tempfiles.js";
import { deflateStream, type Deflated } from "../codec/deflate.js";
import { memberReader, memberFromBuffer, memberOf, type Member, type MemberSink, type StreamedMember } from "./member.js";
import { writeFullySync } from "../fs/write-fully.js";

/** Changes whenever the deflate output for the same input would (level, block size, method), or what a manifest records does. */
const FORMAT = "libdeflate1.23-4-1m-v4";

export interface ManifestEntry {
  path: string;
  type: EntryType;
  mode: number;
  linkTarget?: string;
  member?: Omit<Member, "data">;
  binary?: BinaryInfo;
}

interface ManifestFile {
  entries: ManifestEntry[];
  /** sha256 (hex) of JSON.stringify(entries). */
  sha256: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex");
/** A manifest lists an asset's entries: far below this even for the largest archives. */
const MAX_MANIFEST = 256 << 20;

export class MemberCache implements MemberSink {
  private constructor(private readonly dir: string) {}

  /** The member cache inside the download cache's folder; undefined when that is not writable. */
  static open(cacheDir: string): MemberCache | undefined {
    const dir = path.join(cacheDir, FORMAT);
    try {
      mkdirSync(path.join(dir, "manifests"), { recursive: true });
      // Its folders must be the cache's own: a link would send blobs and manifests elsewhere.
      for (const folder of [dir, path.join(dir, "manifests")]) {
        if (!lstatSync(folder).isDirectory()) {
          warn(`${folder} in the download cache is ${lstatSync(folder).isSymbolicLink() ? "a symbolic link" : "not a folder"}; building without the member cache. Remove it, or run "binwheel cache clean".`);
          return undefined;
        }
      }
      sweepTemporaries(dir);
      return new MemberCache(dir);
    } catch {
      return undefined;
    }
  }

  private blob(sha256b64: string): string {
    const hex = Buffer.from(sha256b64, "base64url").toString("hex");
    return path.join(this.dir, hex.slice(0, 2), hex);
  }

  async add(source: AsyncIterable<Buffer>): Promise<StreamedMember> {
    const hash = createHash("sha256");
    // The blob's name (its content's hash) is known only at the end: write beside the blobs, then rename.
    const temp = temporaryPath(path.join(this.dir, "member"));
    try {
      const fh = await open(temp, "wx");
      let deflated: Deflated;
      try {
        let position = 0;
        deflated = await deflateStream(source, (chunk) => {
          hash.update(chunk);
          writeFullySync(fh.fd, chunk, position);
          position += chunk.length;
        });
      } finally {
        await fh.close();
      }
      const member = { ...memberOf(deflated, { file: "", offset: 0 }), deflatedSha256: hash.digest("hex") };
      const target = this.blob(member.sha256);
      mkdirSync(path.dirname(target), { recursive: true });
      // Fresh bytes replace whatever is there: an older copy may be the damaged one.
      await rename(temp, target);
      const placed: Member = { ...member, data: { file: target, offset: 0, fresh: true } };
      return { member: placed, content: memberReader(placed, deflated.blocks) };
    } finally {
      discard(temp);
    }
  }

  async addSmall(content: Buffer): Promise<Member> {
    const member = memberFromBuffer(content);
    const compressed = member.data as Buffer;
    const target = this.blob(member.sha256);
    mkdirSync(path.dirname(target), { recursive: true });
    await writeThroughTemporary(target, (fh) => fh.writeFile(compressed));
    return { ...member, deflatedSha256: createHash("sha256").update(compressed).digest("hex"), data: { file: target, offset: 0, fresh: true } };
  }

  /** A member recorded in a manifest, if its deflate stream is still here (its content is verified when copied). */
  member(recorded: Omit<Member, "data">): Member | undefined {
    const file = this.blob(recorded.sha256);
    let stats;
    try {
      stats = regularStats(file);
    } catch (e) {
      if (!(e instanceof NotRegularFile)) throw e;
      warn(`${file} in the member cache ${e.why}; deleted it, the asset is read again.`);
      rmSync(file, { force: true, recursive: true });
    }
    return recorded.deflatedSha256 && stats?.size === recorded.compressedSize ? { ...recorded, data: { file, offset: 0 } } : undefined;
  }

  /** The asset's manifest, if present and intact; a damaged one is reported and removed. */
  manifest(key: string): ManifestEntry[] | undefined {
    const file = this.manifestFile(key);
    try {
      const text = readRegular(file, MAX_MANIFEST)?.toString("utf8");
      if (text === undefined) return undefined;
      const parsed = JSON.parse(text) as ManifestFile;
      if (Array.isArray(parsed.entries) && parsed.sha256 === digest(JSON.stringify(parsed.entries))) return parsed.entries;
    } catch (e) {
      if (!(e instanceof NotRegularFile || e instanceof SyntaxError)) throw e;
    }
    warn(`the member cache's manifest ${file} is damaged; deleted it, the asset is read again.`);
    rmSync(file, { force: true, recursive: true });
    return undefined;
  }

  /** `key`: the asset's sha256, and for a bare file the name it gives its one entry. */
  async saveManifest(key: string, entries: ManifestEntry[]): Promise<void> {
    const body: ManifestFile = { entries, sha256: digest(JSON.stringify(entries)) };
    await writeThroughTemporary(this.manifestFile(key), (fh) => fh.writeFile(JSON.stringify(body)));
  }

  private manifestFile(key: string): string {
    return path.join(this.dir, "manifests", `${key}.json`);
  }
}
