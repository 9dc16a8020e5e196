// The platform tags PyPI accepts (warehouse's utils/wheel.py `_parse_platform_tag`, which its
// upload view applies to every tag of a wheel's file name).

const ALLOWED = new Set([
  "any", "win32", "win_arm64", "win_amd64", "win_ia64",
  "manylinux1_x86_64", "manylinux1_i686", "manylinux2010_x86_64", "manylinux2010_i686",
  "manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64", "manylinux2014_armv7l",
  "manylinux2014_ppc64", "manylinux2014_ppc64le", "manylinux2014_s390x", "linux_armv6l", "linux_armv7l",
]);
const MACOS_ARCHES = new Set(["ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2"]);
const MACOS_MAJORS = new Set([10, 11, 12, 13, 14, 15, 26]);
const LINUX_ARCHES = new Set(["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"]);

export function isPypiPlatformTag(tag: string): boolean {
  if (ALLOWED.has(tag)) return true;
  const mac = /^macosx_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (mac) {
    const major = Number(mac[1]);
    return MACOS_MAJORS.has(major) && MACOS_ARCHES.has(mac[3]!) && (major === 10 || mac[2] === "0");
  }
  const many = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (many) return LINUX_ARCHES.has(many[3]!) || many[3] === "ppc64";
  const musl = /^musllinux_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (musl) return LINUX_ARCHES.has(musl[3]!);
  return /^ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)$/.test(tag) ||
    /^android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)$/.test(tag) ||
    /^pyemscripten_\d+_\d+_wasm32$/.test(tag);
}
