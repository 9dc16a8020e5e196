// The SBOMs a wheel carries in .dist-info/sboms/ (PEP 770, BW8xx): a .json file must parse; a
// CycloneDX one (.cdx.json) must have the document's required shape, well-formed hashes, and, for
// each "file" component named like one of the wheel's files, that file's sha256. Installers ignore
// SBOMs, so these are warnings: an SBOM that does not describe its wheel misleads whoever reads it.
// The full schema is checked by binwheel's tests; this catches what a damaged or hand-edited SBOM
// gets wrong.
import { printable } from "../fs/artifact-path.js";
import type { CodeId } from "./codes.js";
const SPEC_VERSIONS = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];
const HEX_LENGTHS: Record<string, number> = { "MD5": 32, "SHA-1": 40, "SHA-256": 64, "SHA-384": 96, "SHA-512": 128, "SHA3-256": 64, "SHA3-384": 96, "SHA3-512": 128, "BLAKE2b-256": 64, "BLAKE2b-384": 96, "BLAKE2b-512": 128 };
/** Problems spelled out before the rest are only counted. */
const LIMIT = 10;

type Json = Record<string, unknown>;
/** A value from the document, cut to a length that fits a message. */
const short = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

type Found = [CodeId, string];

/** What is wrong with the SBOM `name` (its path inside sboms/ and after), given the wheel's files' sha256. */
export function checkSbom(name: string, text: string, sha256: Map<string, string>): Found[] {
  if (!name.endsWith(".json")) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [["BW801", `is not valid JSON (${(e as Error).message})`]];
  }
  if (!name.endsWith(".cdx.json")) return [];
  if (!isObject(doc)) return [["BW802", "is not a CycloneDX document (a JSON object)"]];
  const found: Found[] = [];
  const add = (message: string, code: CodeId = "BW802") => found.push([code, message]);
  if (doc["bomFormat"] !== "CycloneDX") add(`bomFormat is ${JSON.stringify(doc["bomFormat"])}, not "CycloneDX"`);
  if (typeof doc["specVersion"] !== "string" || !SPEC_VERSIONS.includes(doc["specVersion"])) add(`specVersion is ${JSON.stringify(doc["specVersion"])}, not a CycloneDX version (${SPEC_VERSIONS.join(", ")})`);
  if (doc["serialNumber"] !== undefined && !(typeof doc["serialNumber"] === "string" && /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(doc["serialNumber"]))) {
    add(`serialNumber ${JSON.stringify(doc["serialNumber"])} is not a urn:uuid`);
  }
  if (doc["version"] !== undefined && !(Number.isInteger(doc["version"]) && (doc["version"] as number) >= 1)) add("version must be a whole number from 1");
  // Depth first with a stack of its own: a hostile SBOM nests components thousands deep.
  const pending: [unknown, string][] = [];
  if (doc["components"] !== undefined) pending.push([doc["components"], "components"]);
  if (isObject(doc["metadata"]) && doc["metadata"]["component"] !== undefined) pending.push([[doc["metadata"]["component"]], "metadata.component"]);
  while (pending.length && found.length <= LIMIT) {
    const [components, where] = pending.pop()!;
    if (!Array.isArray(components)) {
      add(`${where} is not an array`);
      continue;
    }
    for (let i = components.length - 1; i >= 0; i--) {
      const c: unknown = components[i];
      const at = `${where}[${i}]`;
      if (!isObject(c) || typeof c["type"] !== "string" || typeof c["name"] !== "string") {
        add(`${at} lacks a type or a name`);
        continue;
      }
      const name = printable(short(c["name"]));
      const hashes = c["hashes"] ?? [];
      if (!Array.isArray(hashes)) add(`${at}.hashes is not an array`);
      else {
        for (const h of hashes) {
          const length = isObject(h) && typeof h["alg"] === "string" && Object.hasOwn(HEX_LENGTHS, h["alg"]) ? HEX_LENGTHS[h["alg"]] : undefined;
          if (!isObject(h) || length === undefined || typeof h["content"] !== "string" || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(h["content"])) {
            add(`${at} (${name}) has a malformed hash ${printable(short(JSON.stringify(h) ?? String(h)))}`);
            continue;
          }
          const actual = c["type"] === "file" && h["alg"] === "SHA-256" ? sha256.get(c["name"]) : undefined;
          if (actual !== undefined && actual !== (h["content"] as string).toLowerCase()) add(`${at} gives ${name} the sha256 ${h["content"]}, but the wheel's file has ${actual}`, "BW803");
        }
      }
      // Where a deep component sits, kept short: its start and its end.
      if (c["components"] !== undefined) pending.push([c["components"], `${at.length > 160 ? `${at.slice(0, 80)}…${at.slice(-60)}` : at}.components`]);
    }
  }
  return found.length > LIMIT ? [...found.slice(0, LIMIT), ["BW802", `... and ${found.length - LIMIT} more problems`]] : found;
}
