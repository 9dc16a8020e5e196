// The message a failing call gives, as the user sees it (secrets masked).
import { redact } from "../../src/errors.js";

/** The (masked) message `promise` rejects with; an error itself when it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return redact((e as Error).message);
  }
  throw new Error("expected an error");
}

/** The (masked) message `fn` throws; an error itself when it returns. */
export function thrownBy(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return redact((e as Error).message);
  }
  throw new Error("expected an error");
}
