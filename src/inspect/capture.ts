// Binaries are inspected while they stream out of the archive: their headers need random access,
// so a file whose first bytes say "executable or library" is also written, uncompressed, to a
// scratch file that is read (bounded) and deleted right after. Other files cost nothing extra.
import { open, rm, type FileHandle } from "node:fs/promises";
import { inspectBinary, type BinaryInfo } from "./inspect.js";
import { binaryFormat } from "./magic.js";
import { writeFully } from "../fs/write-fully.js";

/** Enough to see an ELF/Mach-O magic and a PE header behind its DOS stub. */
const HEAD = 4096;

export class BinaryCapture {
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;
  private out: FileHandle | undefined;
  private written = 0;

  constructor(
    private readonly scratchFile: string,
    private readonly name: string,
  ) {}

  /** Passes `source` through unchanged, keeping a copy if it turns out to be a binary. */
  async *tee(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      await this.take(chunk);
      yield chunk;
    }
    await this.decide();
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

  private async take(chunk: Buffer): Promise<void> {
    if (this.decided) {
      if (this.out) await this.write(chunk);
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
    if (!binaryFormat(head.subarray(0, HEAD))) return;
    this.out = await open(this.scratchFile, "w");
    await this.write(head);
  }

  private async write(chunk: Buffer): Promise<void> {
    await writeFully(this.out!, chunk, this.written);
    this.written += chunk.length;
  }
}
