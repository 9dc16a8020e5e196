// SPDX license expressions (PEP 639): validated and case-normalized the way
// `packaging.licenses.canonicalize_license_expression` does, so `mit or apache-2.0`
// becomes `MIT OR Apache-2.0`.
import licenseIds from "spdx-license-ids/index.json" with { type: "json" };
import deprecatedIds from "spdx-license-ids/deprecated.json" with { type: "json" };
import exceptionIds from "spdx-exceptions/index.json" with { type: "json" };
import deprecatedExceptions from "spdx-exceptions/deprecated.json" with { type: "json" };

const byLowerCase = (ids: string[]) => new Map(ids.map((id) => [id.toLowerCase(), id]));
const LICENSES = byLowerCase([...licenseIds, ...deprecatedIds]);
const EXCEPTIONS = byLowerCase([...exceptionIds, ...deprecatedExceptions]);
const LICENSE_REF = /^licenseref-([a-z0-9.-]+)$/i;

/** The canonical form of `expression`; throws an Error whose message says what is wrong. */
export function canonicalizeLicenseExpression(expression: string): string {
  const tokens = expression.replace(/\(/g, " ( ").replace(/\)/g, " ) ").trim().split(/\s+/);
  if (tokens.length === 1 && tokens[0] === "") throw new Error("the expression is empty");
  let pos = 0;
  const peek = () => tokens[pos]?.toUpperCase();
  const next = () => tokens[pos++];

  const license = (): string => {
    const token = next();
    if (token === undefined) throw new Error("the expression ends where a license was expected");
    const ref = LICENSE_REF.exec(token);
    if (ref) return `LicenseRef-${ref[1]}`;
    const plus = token.endsWith("+");
    const id = LICENSES.get((plus ? token.slice(0, -1) : token).toLowerCase());
    if (!id) throw new Error(`"${token}" is not an SPDX license identifier`);
    let out = plus ? `${id}+` : id;
    if (peek() === "WITH") {
      next();
      const exception = next();
      const canonical = exception && EXCEPTIONS.get(exception.toLowerCase());
      if (!canonical) throw new Error(`"${exception ?? ""}" is not an SPDX license exception`);
      out += ` WITH ${canonical}`;
    }
    return out;
  };
  const term = (): string => {
    if (peek() !== "(") return license();
    next();
    const inner = or();
    if (next() !== ")") throw new Error("a parenthesis is not closed");
    return `(${inner})`;
  };
  const and = (): string => {
    let out = term();
    while (peek() === "AND") { next(); out += ` AND ${term()}`; }
    return out;
  };
  const or = (): string => {
    let out = and();
    while (peek() === "OR") { next(); out += ` OR ${and()}`; }
    return out;
  };

  const result = or();
  if (pos < tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);
  return result;
}
