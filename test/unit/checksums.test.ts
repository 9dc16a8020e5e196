// Checksum files as upstreams really publish them. Each sample below has the shape (and, where
// the source gave it, the very line) of a published file; the source is noted with it.
import { describe, expect, it } from "vitest";
import { checksumFileNames, checksumText, hashesFromChecksumFile, parseChecksums } from "../../src/upstream/trust/checksums.js";

const named = (name: string) => ({ name, label: name, named: true });
const found = (name: string) => ({ name, label: `the release's ${name}`, named: false });
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
};

// HashiCorp, terraform_1.4.2_SHA256SUMS (releases.hashicorp.com): sha256sum text mode. The
// linux_amd64 line's hash is the one edgelesssys/constellation pins for that zip (bazel/toolchains);
// the darwin line's is a stand-in.
const HASHICORP = [
  "9f3ca33d04f5335472829d1df7785115b60176d610ae6f1583343b0a2221a931  terraform_1.4.2_linux_amd64.zip",
  "3b2a6fe9a8f5a0e3a3bd2e5aba6e1b7a8e5e01a3c5f3aab0b5e6a6bb3df4c3a1  terraform_1.4.2_darwin_arm64.zip",
  "",
].join("\n");

// GoReleaser, <project>_<version>_checksums.txt (goreleaser.com/customization/checksum): the same
// format, one line per archive, sorted by name (names as GoReleaser's default archive template
// writes them; the hashes are stand-ins).
const GORELEASER = [
  "0b8c2d4f8a1e6f3c9d7b5a4e2c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39  tool_1.0.0_Darwin_arm64.tar.gz",
  "1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d  tool_1.0.0_Linux_x86_64.tar.gz",
  "2d0e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2e  tool_1.0.0_Windows_x86_64.zip",
  "",
].join("\n");

// cargo-dist, <archive>.sha256 (axodotdev/cargo-dist, write_checksum_file): "<hex> *<name>", binary
// mode, then an extra empty line (the name is mitre/hipcheck's archive; the hash a stand-in).
const CARGO_DIST = "5edcd14ab59b535040c512dbecd6ec9ef976a000b073c19d93e4c431c948581e *hipcheck-x86_64-unknown-linux-gnu.tar.xz\n\n";

// kubectl.sha256 (dl.k8s.io/release/<v>/bin/linux/amd64/): the bare hash, no name, no newline;
// its documentation checks it with `echo "$(cat kubectl.sha256)  kubectl" | sha256sum --check`
// (the hash is a stand-in).
const KUBECTL = "f1fa0c67059cf3f74c5d9f750a9cb5e9b1cf577019f5b6df67821e4167a62b8d";

// Node.js, SHASUMS256.txt.asc (nodejs.org/dist/<v>/): the same lines inside an OpenPGP clear
// signature (the Docker images `gpg --decrypt` it first; binwheel reads the lines, it does not
// check the signature). Hashes and signature lines are stand-ins.
const NODE_ASC = [
  "-----BEGIN PGP SIGNED MESSAGE-----",
  "Hash: SHA256",
  "",
  "eeaab3196237b390e861cf5ab3c2abab51f70ba1d63069a40d97bc9852dc4e83  node-v20.11.0-darwin-arm64.tar.gz",
  "4fce7c02a5e5dbe3426da4aa0f8b7845e9a36aff29c5884d206a08e51b2c4c47  node-v20.11.0-linux-x64.tar.xz",
  "-----BEGIN PGP SIGNATURE-----",
  "",
  "iQIzBAEBCAAdFiEEiQwI24V5Fi/uDfnbi+q0389VXvQFAmWfZ0gACgkQi+q0389V",
  "XvQ3ARAAkKmrKK3Cf3hnL9Hc1E5Mn3bo3eAq9HpJ3NmDmM0mV7aYd8qWqYfXbGkA",
  "=xJ8v",
  "-----END PGP SIGNATURE-----",
  "",
].join("\n");

// BSD tags: `shasum -a 256 --tag` / FreeBSD `sha256`, `sha512 -r` aside; OpenSSL 3 `openssl dgst -sha256`.
const BSD = "SHA256 (tool-x86_64.tar.gz) = 1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d\n";
const SHA512_HEX = "648732c79f6276c37a92e211b4c5b6cf84a0a54637c0f85949ced96d31838b43a4dcae905ef70bafbc9edd3542400746fb1e00c4c84679713e97219493a45938";
const BSD_512 = `SHA512 (dotnet-sdk-7.0.304-win-x64.exe) = ${SHA512_HEX}\n`;
const OPENSSL = "SHA2-256(tool-x86_64.tar.gz)= 1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d\n";

// certutil -hashfile <file> SHA256, as current Windows prints it (CSUF's Tuffix install guide).
const CERTUTIL = "SHA256 hash of Tuffix.2022.Edition.ova:\r\nf1fa0c67059cf3f74c5d9f750a9cb5e9b1cf577019f5b6df67821e4167a62b8d\r\nCertUtil: -hashfile command completed successfully.\r\n";
// certutil on Windows 7: "hash of file", bytes separated by spaces (monero-project's verification guide).
const CERTUTIL_7 =
  "SHA256 hash of file monero-gui-win-x64-v0.12.0.0.zip:\r\n4b 9f 31 68 6e ca ad 97 cd b1 75 e6 57 4b f3 07 f8 d1 c4 10 42 78 25 f4 30 4c 21 da 8a ac 18 64\r\nCertUtil: -hashfile command completed successfully.\r\n";
// certutil -hashfile <file> SHA512 (Microsoft's .NET install documentation); a full path, as
// certutil prints the path it was given.
const CERTUTIL_512 = `SHA512 hash of C:\\Users\\me\\Downloads\\dotnet-sdk-7.0.304-win-x64.exe:\r\n${SHA512_HEX}\r\nCertUtil: -hashfile command completed successfully.\r\n`;

// PowerShell `Get-FileHash <file> -Algorithm SHA256 | Format-List > <file>.sha256sum`, as Deno's
// release workflow writes its Windows checksums (denoland/deno, .github/workflows/ci.generate.ts);
// the hash is a stand-in (the one a blog post shows for dep-windows-amd64.exe).
const POWERSHELL = [
  "",
  "Algorithm : SHA256",
  "Hash      : F6E6A872C54D5AE7536AC71FD5BCAC9F4E7B8A1DAFA1EF7C23866E2F3069FE4E",
  "Path      : D:\\a\\deno\\deno\\target\\release\\deno-x86_64-pc-windows-msvc.zip",
  "",
  "",
  "",
].join("\r\n");
// Format-List wraps long values onto indented lines at the console's width (a SHA-512, a long path).
const POWERSHELL_WRAPPED = [
  "",
  "Algorithm : SHA512",
  `Hash      : ${SHA512_HEX.toUpperCase().slice(0, 100)}`,
  `            ${SHA512_HEX.toUpperCase().slice(100)}`,
  "Path      : C:\\Users\\runneradmin\\AppData\\Local\\Temp\\build\\artifacts\\release\\dotnet-sdk-7.0.30",
  "            4-win-x64.exe",
  "",
].join("\r\n");

describe("the formats upstreams publish", () => {
  it.each([
    ["HashiCorp *_SHA256SUMS (GNU, text mode)", HASHICORP, "terraform_1.4.2_linux_amd64.zip", { sha256: "9f3ca33d04f5335472829d1df7785115b60176d610ae6f1583343b0a2221a931" }],
    ["GoReleaser checksums.txt", GORELEASER, "tool_1.0.0_Linux_x86_64.tar.gz", { sha256: "1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d" }],
    ["cargo-dist .sha256 (GNU, binary mode)", CARGO_DIST, "hipcheck-x86_64-unknown-linux-gnu.tar.xz", { sha256: "5edcd14ab59b535040c512dbecd6ec9ef976a000b073c19d93e4c431c948581e" }],
    ["Node's clearsigned SHASUMS256.txt.asc", NODE_ASC, "node-v20.11.0-linux-x64.tar.xz", { sha256: "4fce7c02a5e5dbe3426da4aa0f8b7845e9a36aff29c5884d206a08e51b2c4c47" }],
    ["BSD tag", BSD, "tool-x86_64.tar.gz", { sha256: "1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d" }],
    ["BSD tag, SHA512", BSD_512, "dotnet-sdk-7.0.304-win-x64.exe", { sha512: SHA512_HEX }],
    ["OpenSSL 3 dgst", OPENSSL, "tool-x86_64.tar.gz", { sha256: "1c9d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d" }],
    ["certutil", CERTUTIL, "Tuffix.2022.Edition.ova", { sha256: "f1fa0c67059cf3f74c5d9f750a9cb5e9b1cf577019f5b6df67821e4167a62b8d" }],
    ["certutil on Windows 7 (spaced bytes)", CERTUTIL_7, "monero-gui-win-x64-v0.12.0.0.zip", { sha256: "4b9f31686ecaad97cdb175e6574bf307f8d1c410427825f4304c21da8aac1864" }],
    ["certutil, SHA512 of a full path", CERTUTIL_512, "dotnet-sdk-7.0.304-win-x64.exe", { sha512: SHA512_HEX }],
    ["PowerShell Format-List (Deno)", POWERSHELL, "deno-x86_64-pc-windows-msvc.zip", { sha256: "f6e6a872c54d5ae7536ac71fd5bcac9f4e7b8a1dafa1ef7c23866e2f3069fe4e" }],
    ["PowerShell Format-List, wrapped", POWERSHELL_WRAPPED, "dotnet-sdk-7.0.304-win-x64.exe", { sha512: SHA512_HEX }],
  ])("%s", (_, text, asset, want) => {
    expect(hashesFromChecksumFile(text, found("SHA256SUMS"), asset)).toEqual(want);
    // The same file with the other line ending reads the same.
    const other = text.includes("\r\n") ? text.replace(/\r\n/g, "\n") : text.replace(/\n/g, "\r\n");
    expect(hashesFromChecksumFile(other, found("SHA256SUMS"), asset)).toEqual(want);
  });

  it("a bare hash counts for the asset's own file (kubectl.sha256) or a file named by checksums, not for a found list", () => {
    const want = { sha256: KUBECTL };
    expect(hashesFromChecksumFile(KUBECTL, found("kubectl.sha256"), "kubectl")).toEqual(want);
    expect(hashesFromChecksumFile(`${KUBECTL.toUpperCase()}\n`, named("sha256.txt"), "kubectl")).toEqual(want);
    expect(hashesFromChecksumFile(KUBECTL, found("SHA256SUMS"), "kubectl")).toBeUndefined();
  });

  it("reads PowerShell 5's UTF-16 output and drops a UTF-8 BOM", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POWERSHELL, "utf16le")]);
    expect(hashesFromChecksumFile(checksumText(utf16), found("x.sha256sum"), "deno-x86_64-pc-windows-msvc.zip")?.sha256).toBe("f6e6a872c54d5ae7536ac71fd5bcac9f4e7b8a1dafa1ef7c23866e2f3069fe4e");
    expect(checksumText(Buffer.from(`\uFEFF${KUBECTL}`))).toBe(KUBECTL);
  });

  it("prefers an entry for the exact name over one whose path ends with it; compares names by their last part otherwise", () => {
    const text = `${"a".repeat(64)}  linux/tool\n${"b".repeat(64)}  tool\n${"c".repeat(64)} *./dist/other.zip\n`;
    expect(hashesFromChecksumFile(text, found("SHA256SUMS"), "tool")).toEqual({ sha256: "b".repeat(64) });
    expect(hashesFromChecksumFile(text, found("SHA256SUMS"), "other.zip")).toEqual({ sha256: "c".repeat(64) });
  });

  it("gives SHA-256 and SHA-512 side by side when a file has both", () => {
    const text = `${"d".repeat(64)}  tool.tar.gz\nSHA512 (tool.tar.gz) = ${SHA512_HEX}\n`;
    expect(hashesFromChecksumFile(text, found("checksums.txt"), "tool.tar.gz")).toEqual({ sha256: "d".repeat(64), sha512: SHA512_HEX });
  });

  it("skips what is not a SHA-256 or SHA-512: comments, MD5 and SHA-1 lines, other algorithms' tags", () => {
    const text = `# sums\nd41d8cd98f00b204e9800998ecf8427e  tool.tar.gz\nda39a3ee5e6b4b0d3255bfef95601890afd80709  tool.tar.gz\nMD5 (tool.tar.gz) = d41d8cd98f00b204e9800998ecf8427e\nSHA256 (tool.tar.gz) = ${SHA512_HEX}\n`;
    expect(parseChecksums(text)).toEqual([]);
  });
});

describe("what binwheel refuses", () => {
  it("two different hashes for the asset", () => {
    const text = `${"a".repeat(64)}  tool.tar.gz\n${"b".repeat(64)} *tool.tar.gz\n`;
    expect(errorOf(() => hashesFromChecksumFile(text, found("SHA256SUMS"), "tool.tar.gz"))).toMatch(/^the release's SHA256SUMS gives two different sha256 values for tool\.tar\.gz \(a{64} and b{64}\); it cannot be trusted/);
    // The same hash twice is fine.
    expect(hashesFromChecksumFile(`${"a".repeat(64)}  tool.tar.gz\n${"A".repeat(64)} *tool.tar.gz\n`, found("SHA256SUMS"), "tool.tar.gz")).toEqual({ sha256: "a".repeat(64) });
  });

  it("a named file that does not list the asset, or holds nothing readable; a found one is skipped", () => {
    expect(errorOf(() => hashesFromChecksumFile(GORELEASER, named("checksums.txt"), "tool_1.0.0_Linux_arm64.tar.gz"))).toMatch(
      /^checksums\.txt, named by \[tool\.binwheel\.upstream\] checksums, does not list tool_1\.0\.0_Linux_arm64\.tar\.gz; it lists tool_1\.0\.0_Darwin_arm64\.tar\.gz, tool_1\.0\.0_Linux_x86_64\.tar\.gz, tool_1\.0\.0_Windows_x86_64\.zip\. Fix the checksums setting/,
    );
    expect(errorOf(() => hashesFromChecksumFile("<html>Not Found</html>", named("SHA256SUMS"), "tool"))).toMatch(/holds no SHA-256 or SHA-512 that binwheel can read/);
    expect(hashesFromChecksumFile(GORELEASER, found("checksums.txt"), "tool_1.0.0_Linux_arm64.tar.gz")).toBeUndefined();
  });
});

describe("checksum files found beside an asset", () => {
  it("are the asset's own files first, then the lists upstreams name their way", () => {
    const asset = "tool-1.0.0-x86_64-unknown-linux-gnu.tar.gz";
    const release = [
      "SHA256SUMS.asc", "tool_1.0.0_checksums.txt", "terraform_1.4.2_SHA256SUMS", "SHASUMS256.txt", `${asset}.sha256`, `${asset}.sha512`,
      "sha256.sum", "tool-1.0.0-aarch64-apple-darwin.tar.gz.sha256", "notes.txt", asset,
    ];
    expect(checksumFileNames(asset, release)).toEqual([`${asset}.sha256`, `${asset}.sha512`, "tool_1.0.0_checksums.txt", "terraform_1.4.2_SHA256SUMS", "SHASUMS256.txt", "sha256.sum"]);
  });
});
