// Binaries are inspected while they stream by: their first bytes say whether a file is an
// executable or library, and only then are its headers read, which needs random access to it.
// HeadCapture keeps only those first bytes; its caller gives random access to the whole file
// afterwards (a build reads it back from the file's independently deflated blocks, so nothing
// is copied). BinaryCapture is for streams that cannot be read again (a wheel's members, in
// `binwheel check`): it also writes a binary, uncompressed, to a scratch file that is read
// (bounded) and deleted right after. Other files cost nothing extra either way.
import { open, rm, type FileHandle } from "node:fs/promises";
import { inspectBinary, inspectReadable, type BinaryInfo } from "./inspect.js";
import { binaryFormat } from "./magic.js";
import type { ReadSource } from "./reader.js";
import { writeFully } from "../fs/write-fully.js";
import { spent } from "../profile.js";

/** Enough to see an ELF/Mach-O magic and a PE header behind its DOS stub. */
const HEAD = 4096;

export class HeadCapture {
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;
  /** Whether the head says executable or library (known once the head has gone by). */
  protected binary = false;

  constructor(protected readonly name: string) {}

  /** Passes `source` through unchanged, keeping its first bytes. */
  async *tee(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const t = performance.now();
      await this.take(chunk);
      spent("inspect: capture", t);
      yield chunk;
    }
    await this.decide();
  }

  /** The headers, read through `content` (`size` bytes, the whole file), or undefined for other files. */
  headers(content: ReadSource, size: number): Promise<BinaryInfo | undefined> {
    return this.binary ? inspectReadable(content, size, this.name) : Promise.resolve(undefined);
  }

  private async take(chunk: Buffer): Promise<void> {
    if (this.decided) {
      if (this.binary) await this.more(chunk);
      return;
    }
    this.head.push(Buffer.from(chunk)); // chunks may be reused by the reader once passed on
    this.headLength += chunk.length;
    if (this.headLength >= HEAD) await this.decide();
  }

  private async decide(): Promise<void> {
    if (this.decided) return;
    this.decided = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    this.binary = binaryFormat(head.subarray(0, HEAD)) !== undefined;
    if (this.binary) await this.more(head);
  }

  /** Sees every byte of a binary from its start (nothing to do here: only the head is kept). */
  protected async more(_chunk: Buffer): Promise<void> {}
}

export class BinaryCapture extends HeadCapture {
  private out: FileHandle | undefined;
  private written = 0;

  constructor(
    private readonly scratchFile: string,
    name: string,
  ) {
    super(name);
  }

  /** The binary's headers, or undefined for other files; removes the scratch copy. */
  async inspect(): Promise<BinaryInfo | undefined> {
    if (!this.out) return undefined;
    await this.out.close();
    this.out = undefined;
    try {
      return await inspectBinary(this.scratchFile, this.name);
    } finally {
      await rm(this.scratchFile, { force: true });
    }
  }

  protected override async more(chunk: Buffer): Promise<void> {
    this.out ??= await open(this.scratchFile, "w");
    await writeFully(this.out, chunk, this.written);
    this.written += chunk.length;
  }
}
