// (major, minor) versions as platform tags carry them: glibc 2.17, musl 1.2, macOS 10.12.
export type Version = [number, number];

export const newer = (a: Version, b: Version) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
export const show = (v: Version) => `${v[0]}.${v[1]}`;
