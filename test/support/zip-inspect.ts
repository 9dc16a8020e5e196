// An independent reading of a zip's raw bytes, for tests of the wheel writer's framing.

export interface RawZipEntry {
  name: string;
  flags: number;
  method: number;
  versionMadeBy: number;
  externalAttr: number;
  crc: number;
  compressedSize: number;
  size: number;
  localMatchesCentral: boolean;
  extraLength: number;
  dosTime: number;
  dosDate: number;
}

export function inspectZip(data: Buffer): { entries: RawZipEntry[]; endAtEof: boolean; contiguous: boolean } {
  const eocd = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = data.readUInt16LE(eocd + 10);
  const cdOffset = data.readUInt32LE(eocd + 16);
  const entries: RawZipEntry[] = [];
  let p = cdOffset;
  let expectedLocal = 0;
  let contiguous = true;
  for (let i = 0; i < count; i++) {
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30) + data.readUInt16LE(p + 32);
    const name = data.toString("utf8", p + 46, p + 46 + nameLength);
    const local = data.readUInt32LE(p + 42);
    if (local !== expectedLocal) contiguous = false;
    const localNameLength = data.readUInt16LE(local + 26);
    const localExtra = data.readUInt16LE(local + 28);
    const localMatchesCentral =
      data.readUInt32LE(local) === 0x04034b50 &&
      data.subarray(local + 6, local + 28).equals(data.subarray(p + 8, p + 30)) &&
      data.toString("utf8", local + 30, local + 30 + localNameLength) === name;
    entries.push({
      name,
      flags: data.readUInt16LE(p + 8),
      method: data.readUInt16LE(p + 10),
      versionMadeBy: data.readUInt16LE(p + 4),
      externalAttr: data.readUInt32LE(p + 38),
      crc: data.readUInt32LE(p + 16),
      compressedSize: data.readUInt32LE(p + 20),
      size: data.readUInt32LE(p + 24),
      localMatchesCentral,
      extraLength: extraLength + localExtra,
      dosTime: data.readUInt16LE(p + 12),
      dosDate: data.readUInt16LE(p + 14),
    });
    expectedLocal = local + 30 + localNameLength + localExtra + data.readUInt32LE(p + 20);
    p += 46 + nameLength + extraLength;
  }
  return { entries, endAtEof: eocd + 22 === data.length, contiguous: contiguous && expectedLocal === cdOffset };
}
