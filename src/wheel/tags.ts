// Wheel file names and the WHEEL file (binary distribution format, compressed tag sets).
import { escapedName } from "../python/names.js";
import { VERSION } from "../version.js";

export interface WheelTags {
  python: string[];
  abi: string[];
  platform: string[];
}

/** `py3-none-<platform tags>`: any Python 3, no ABI, one platform (binaries, no extension modules). */
export function binaryTags(platformTags: string[]): WheelTags {
  return { python: ["py3"], abi: ["none"], platform: platformTags };
}

export const PURE_TAGS: WheelTags = { python: ["py3"], abi: ["none"], platform: ["any"] };

/** `{name}-{version}` as used by the wheel file, its .dist-info and .data folders. */
export function distributionStem(name: string, version: string): string {
  return `${escapedName(name)}-${version}`;
}

export function wheelFileName(name: string, version: string, tags: WheelTags): string {
  return `${distributionStem(name, version)}-${tags.python.join(".")}-${tags.abi.join(".")}-${tags.platform.join(".")}.whl`;
}

/** Every tag of the compressed set, as WHEEL's `Tag:` lines must list them. */
export function expandTags(tags: WheelTags): string[] {
  return tags.python.flatMap((py) => tags.abi.flatMap((abi) => tags.platform.map((plat) => `${py}-${abi}-${plat}`)));
}

export function renderWheelFile(tags: WheelTags, rootIsPurelib: boolean): string {
  return [
    "Wheel-Version: 1.0",
    `Generator: binwheel ${VERSION}`,
    `Root-Is-Purelib: ${rootIsPurelib}`,
    ...expandTags(tags).map((tag) => `Tag: ${tag}`),
  ].join("\n") + "\n";
}
