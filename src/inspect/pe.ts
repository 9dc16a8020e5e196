// PE (Windows executables and DLLs): the machine type (research/platforms.md §4.3).
import { BoundedReader, MalformedBinary } from "./reader.js";

export interface PeInfo {
  format: "PE";
  /** The wheel platform tag the machine type means (win32, win_amd64, win_arm64), or a description. */
  platform: string;
  machine: number;
}

const MACHINES: Record<number, string> = { 0x014c: "win32", 0x8664: "win_amd64", 0xaa64: "win_arm64" };
const DESCRIPTIONS: Record<number, string> = { 0xa641: "ARM64EC", 0xa64e: "ARM64X", 0x01c4: "ARM (32-bit)" };

export async function readPe(r: BoundedReader): Promise<PeInfo> {
  const dos = await r.read(0, 64, "the DOS header");
  const peOffset = dos.readUInt32LE(0x3c);
  const pe = await r.read(peOffset, 6, "the PE header");
  if (pe.readUInt32LE(0) !== 0x00004550) throw new MalformedBinary("no PE signature where the DOS header points");
  const machine = pe.readUInt16LE(4);
  const platform = MACHINES[machine] ?? `${DESCRIPTIONS[machine] ?? "machine"} 0x${machine.toString(16)}`;
  return { format: "PE", platform, machine };
}
