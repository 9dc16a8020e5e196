// User-facing failures. A BinwheelError carries one paragraph that says what failed, which key,
// file or asset is involved and what to do about it; the entry point prints it without a stack
// trace (unless BINWHEEL_DEBUG=1). Anything else that escapes is a bug in binwheel.

export class BinwheelError extends Error {
  override readonly name = "BinwheelError";
}

/** Throws a BinwheelError: `fail("...")` reads better than `throw new BinwheelError("...")`. */
export function fail(message: string): never {
  throw new BinwheelError(message);
}

const secrets = new Set<string>();

/** Registers a value (a token) that must never appear in anything binwheel prints. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret in `text` with `***`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}
