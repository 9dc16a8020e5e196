// Compressed members kept between builds: deflate streams named by the sha256 of their content
// (and by the compression format, so a hit always gives the same bytes), plus one manifest per
// upstream asset listing its entries and which members they compressed to. A second build from
// the same asset (another Python under cibuildwheel, a rebuild) then copies members into the new
// zip without decompressing or compressing anything.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { open, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BinaryInfo } from "../inspect/inspect.js";
import type { EntryType } from "../archive/entries.js";
import { deflateStream } from "./deflate.js";
import { memberFromBuffer, memberOf, type Member, type MemberSink } from "./member.js";

/** Changes whenever the deflate output for the same input would (level, block size, method). */
const FORMAT = "libdeflate1.23-6-1m-v1";

export interface ManifestEntry {
  path: string;
  type: EntryType;
  mode: number;
  linkTarget?: string;
  member?: Omit<Member, "data">;
  binary?: BinaryInfo;
}

export class MemberCache implements MemberSink {
  private constructor(private readonly dir: string) {}

  /** The member cache inside the download cache's folder; undefined when that is not writable. */
  static open(cacheDir: string): MemberCache | undefined {
    const dir = path.join(cacheDir, FORMAT);
    try {
      mkdirSync(path.join(dir, "manifests"), { recursive: true });
      return new MemberCache(dir);
    } catch {
      return undefined;
    }
  }

  private blob(sha256b64: string): string {
    const hex = Buffer.from(sha256b64, "base64url").toString("hex");
    return path.join(this.dir, hex.slice(0, 2), hex);
  }

  async add(source: AsyncIterable<Buffer>): Promise<Member> {
    const temp = path.join(this.dir, `.member-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
    const fh = await open(temp, "w");
    let position = 0;
    try {
      const deflated = await deflateStream(source, async (chunk) => {
        await fh.write(chunk, 0, chunk.length, position);
        position += chunk.length;
      });
      await fh.close();
      const member = memberOf(deflated, { file: "", offset: 0 });
      const target = this.blob(member.sha256);
      mkdirSync(path.dirname(target), { recursive: true });
      if (existsSync(target)) await rm(temp, { force: true });
      else await rename(temp, target);
      return { ...member, data: { file: target, offset: 0 } };
    } finally {
      await fh.close().catch(() => {});
      await rm(temp, { force: true });
    }
  }

  async addSmall(content: Buffer): Promise<Member> {
    const member = memberFromBuffer(content);
    const target = this.blob(member.sha256);
    if (!existsSync(target)) {
      mkdirSync(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      await writeFile(temp, member.data as Buffer);
      await rename(temp, target);
    }
    return { ...member, data: { file: target, offset: 0 } };
  }

  /** A member recorded in a manifest, if its deflate stream is still here. */
  member(recorded: Omit<Member, "data">): Member | undefined {
    const file = this.blob(recorded.sha256);
    return existsSync(file) ? { ...recorded, data: { file, offset: 0 } } : undefined;
  }

  manifest(assetSha256: string): ManifestEntry[] | undefined {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, "manifests", `${assetSha256}.json`), "utf8")) as ManifestEntry[];
    } catch {
      return undefined;
    }
  }

  async saveManifest(assetSha256: string, entries: ManifestEntry[]): Promise<void> {
    const file = path.join(this.dir, "manifests", `${assetSha256}.json`);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, JSON.stringify(entries));
    await rename(temp, file);
  }
}
