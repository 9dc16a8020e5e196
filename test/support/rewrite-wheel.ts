// A copy of a wheel with some members added or replaced, and RECORD updated to match, as an
// installer would accept it: for tests of what a wheel binwheel did not write may hold.
import { execa } from "execa";

/** Writes `out`: `wheel` with each of `members` (name -> content) added or replacing its namesake. */
export async function rewriteWheel(wheel: string, out: string, members: Record<string, Buffer | string>): Promise<void> {
  const encoded = Object.fromEntries(Object.entries(members).map(([name, content]) => [name, Buffer.from(content).toString("base64")]));
  await execa("python3", ["-c", `
import base64, hashlib, json, sys, zipfile
src, out = sys.argv[1:3]
members = {name: base64.b64decode(data) for name, data in json.load(sys.stdin).items()}
def row(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return ("%s,sha256=%s,%d\\r\\n" % (name, digest, len(data))).encode()
with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
    names = z.namelist()
    for info in z.infolist():
        body = members.get(info.filename, z.read(info))
        if info.filename.endswith(".dist-info/RECORD"):
            kept = [line + b"\\n" for line in z.read(info).splitlines() if line.split(b",")[0].decode() not in members]
            body = b"".join(row(n, d) for n, d in members.items()) + b"".join(kept)
        o.writestr(info, body)
    for name, data in members.items():
        if name not in names:
            o.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
`, wheel, out], { input: JSON.stringify(encoded) });
}
