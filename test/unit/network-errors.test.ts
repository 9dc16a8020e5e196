// Network failures worded by cause, from the errors fetch really throws here: a name that does
// not resolve, a closed port, https to a plain-http server, no answer in time, a proxy that says no.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeNetworkError, makeFetch, networkAdvice } from "../../src/upstream/http/fetch.js";

/** What fetch(url) throws. */
async function thrown(url: string, init: RequestInit = {}, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  try {
    await fetchImpl(url, init);
  } catch (e) {
    return e;
  }
  throw new Error(`${url} answered`);
}

let plain: Server;
let proxy: Server;
let port: number;
let proxyPort: number;
beforeAll(async () => {
  // Answers plain http (https to it fails in the TLS handshake) and hangs on /slow.
  plain = createServer((req, res) => (req.url === "/slow" ? undefined : res.end("ok")));
  // A proxy that wants a login: 407 to every CONNECT.
  proxy = createServer();
  proxy.on("connect", (_req, socket) => socket.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n"));
  await Promise.all([new Promise<void>((r) => plain.listen(0, "127.0.0.1", r)), new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r))]);
  port = (plain.address() as AddressInfo).port;
  proxyPort = (proxy.address() as AddressInfo).port;
});
afterAll(() => {
  plain.closeAllConnections();
  plain.close();
  proxy.close();
});

describe("network errors", () => {
  it("a name that does not resolve: DNS, with the network and proxy advice", async () => {
    const e = await thrown("https://binwheel-test.invalid/");
    expect(describeNetworkError(e)).toMatch(/^the host name could not be resolved \(DNS: (ENOTFOUND|EAI_AGAIN)\)$/);
    expect(networkAdvice(e)).toMatch(/^Check this machine's network connection and DNS\. If this machine reaches the internet through a proxy, set HTTPS_PROXY \(and NO_PROXY/);
  });

  it("a closed port: refused, with the addresses to check", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await thrown(`http://127.0.0.1:${free}/`);
    expect(describeNetworkError(e)).toBe("the connection was refused (ECONNREFUSED)");
    expect(networkAdvice(e)).toMatch(/GITHUB_API_URL, GITLAB_API_URL or the URL in pyproject\.toml/);
  });

  it("https to a server that is not: TLS, with the certificate authority advice", async () => {
    const e = await thrown(`https://127.0.0.1:${port}/`);
    expect(describeNetworkError(e)).toMatch(/^the TLS \(https\) connection was refused: ERR_SSL_/);
    expect(networkAdvice(e)).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it("no answer in time: a timeout, with BINWHEEL_TIMEOUT", async () => {
    const e = await thrown(`http://127.0.0.1:${port}/slow`, { signal: AbortSignal.timeout(200) });
    expect(describeNetworkError(e)).toBe("no answer in time (no data for too long)");
    expect(networkAdvice(e)).toMatch(/BINWHEEL_TIMEOUT/);
  });

  it("a proxy that refuses: the proxy, with its variables", async () => {
    const viaProxy = await makeFetch({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` });
    const e = await thrown("https://binwheel-test.invalid/", {}, viaProxy);
    expect(describeNetworkError(e)).toMatch(/^the proxy failed: .*407/);
    expect(networkAdvice(e)).toMatch(/^Check HTTPS_PROXY and HTTP_PROXY/);
  });
});
