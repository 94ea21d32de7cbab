import { once } from "node:events";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Page } from "@playwright/test";
import { BODY_TOO_LARGE_MESSAGE, MAX_ACTION_BODY_BYTES } from "../../lib/http/body-limit";
import { CHROMIUM_ARGS, chromiumExecutable } from "./support/chromium";
import { exitCode, freePort, startProcess, stopProcessGroup } from "./support/processes";
import { answers, expect, sendAndWait, test } from "./support/fixtures";

/**
 * What an attack on the running production build found (issue 12): junk requests,
 * outside images, the security headers, the session cookie, a missing secret.
 */

/** Collects CSP violations the page reports, from the first script on. */
async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)), ...consoleErrors];
}

test.describe("headers and outside content", () => {
  test("pages carry a nonce CSP and the usual headers, and a normal chat raises no CSP violation", async ({ page }) => {
    const violations = await watchCspViolations(page);
    const response = (await page.goto("/"))!;
    const headers = response.headers();
    const csp = headers["content-security-policy"]!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // Next put this response's nonce on its scripts: the page hydrated and works.
    const nonce = csp.match(/'nonce-([^']+)'/)![1]!;
    expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
    expect((await page.goto("/"))!.headers()["content-security-policy"]).not.toContain(nonce);

    await sendAndWait(page, "hello");
    await sendAndWait(page, "How do sessions work?");
    await sendAndWait(page, "What time is it in Tokyo?");
    expect(await violations()).toEqual([]);

    // Next's own 404 page runs under the same policy.
    const missing = await page.goto("/no-such-page");
    expect(missing!.status()).toBe(404);
    expect(await violations()).toEqual([]);
  });

  test("a Markdown image from the model is a link, and the browser never fetches it", async ({ page }) => {
    // An "outside" host: another origin, which counts every request it gets.
    let hits = 0;
    const imageHost = http.createServer((_request, response) => {
      hits++;
      response.writeHead(200, { "content-type": "image/png" }).end();
    });
    imageHost.listen(0, "127.0.0.1");
    await once(imageHost, "listening");
    const imageOrigin = `http://127.0.0.1:${(imageHost.address() as AddressInfo).port}`;
    const requested: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(imageOrigin)) requested.push(request.url());
    });
    try {
      const violations = await watchCspViolations(page);
      await page.goto("/");
      const imageUrl = `${imageOrigin}/leak.png?q=secret`;
      // The demo model quotes unknown input back as Markdown: the image is in its answer.
      const answer = await sendAndWait(page, `![the chart](${imageUrl})`);
      const link = answer.locator("a[data-markdown-image]");
      await expect(link).toHaveAttribute("href", imageUrl);
      await expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
      await expect(link).toHaveText("the chart");
      await expect(page.locator("img")).toHaveCount(0);
      expect(requested).toEqual([]);
      expect(hits).toBe(0);
      // No <img> was even attempted: the CSP had nothing to block.
      expect(await violations()).toEqual([]);
    } finally {
      imageHost.close();
    }
  });
});

test.describe("the session cookie", () => {
  test("every response carries at most one chat_session cookie, Server Action responses included", async ({ page, baseURL }) => {
    const counts: { url: string; action: boolean; cookies: number }[] = [];
    page.on("response", async (response) => {
      const cookies = (await response.headersArray()).filter(
        (header) => header.name.toLowerCase() === "set-cookie" && header.value.startsWith("chat_session="),
      );
      counts.push({ url: response.url(), action: "next-action" in response.request().headers(), cookies: cookies.length });
    });
    await page.goto("/");
    await sendAndWait(page, "hello");
    await sendAndWait(page, "and again");
    expect(counts.filter((entry) => entry.action).length).toBeGreaterThan(0);
    expect(counts.filter((entry) => entry.cookies > 1)).toEqual([]);
    // The page load re-sealed it (once); the turns found it valid.
    expect(counts.find((entry) => !entry.action && entry.url === `${baseURL}/`)?.cookies).toBe(1);

    // An action called without a cookie (a script that never loaded the page) mints nobody: no cookie, a typed refusal.
    const manifest = readManifest();
    const startNew = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === "startNewConversation")?.[0];
    expect(startNew, "the startNewConversation action").toBeDefined();
    const response = await rawRequest(baseURL, "POST", { "next-action": startNew!, "content-type": "text/plain;charset=UTF-8", origin: baseURL! }, "[]");
    expect(response.status).toBe(200);
    expect(response.cookies.filter((cookie) => cookie.startsWith("chat_session="))).toEqual([]);
    expect(response.text).toContain("unauthorized:no_cookie");
  });

  test("the cookie is Secure exactly when the request came over TLS (X-Forwarded-Proto), on any host", async ({ baseURL }) => {
    const cookieOf = async (headers: Record<string, string>) => {
      const cookies = (await rawRequest(baseURL, "GET", headers)).cookies.filter((cookie) => cookie.startsWith("chat_session="));
      expect(cookies).toHaveLength(1);
      return cookies[0]!;
    };
    expect(await cookieOf({ host: url(baseURL).host })).not.toMatch(/;\s*Secure/i);
    // Plain http on a LAN address or an internal host name: a Secure cookie would be dropped by the browser.
    expect(await cookieOf({ host: "192.168.1.20:3000" })).not.toMatch(/;\s*Secure/i);
    expect(await cookieOf({ host: "chat.internal" })).not.toMatch(/;\s*Secure/i);
    expect(await cookieOf({ host: "chat.example.com", "x-forwarded-proto": "https" })).toMatch(/;\s*Secure/i);
  });

  test("plain http on a host that is not loopback (a phone on the LAN): the cookie is kept and the chat works", async ({ baseURL }) => {
    // lan.test resolves to the app's loopback address, but the browser sees (and treats) a non-loopback http origin.
    const browser = await chromium.launch({
      executablePath: chromiumExecutable(),
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP lan.test 127.0.0.1"],
    });
    try {
      const page = await browser.newPage({ baseURL: `http://lan.test:${url(baseURL).port}` });
      const violations = await watchCspViolations(page);
      await page.goto("/");
      const user = await page.getByTestId("user-id").innerText();
      await sendAndWait(page, "Hello from the phone");
      await sendAndWait(page, "And again");
      await expect(answers(page)).toHaveCount(2);
      await expect(page.getByTestId("user-id")).toHaveText(user);
      const [cookie] = await page.context().cookies();
      expect(cookie).toMatchObject({ name: "chat_session", secure: false });
      // No upgrade-insecure-requests either: the page's own scripts load over the http they came from.
      expect(await violations()).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

test.describe("junk requests", () => {
  // @exclusive: counts lines of the shared app's log, which other tests would write to meanwhile.
  test("get a 4xx before Next decodes them, and at most one log line each", { tag: "@exclusive" }, async ({ e2e, baseURL, request }) => {
    // Any of this build's actions will do; the junk is in everything else.
    const actionId = Object.keys(readManifest().node)[0]!;
    const action = (headers: Record<string, string> = {}) => ({
      "next-action": actionId,
      "content-type": "text/plain;charset=UTF-8",
      origin: baseURL!,
      ...headers,
    });
    // A page load first: from then on proxy.ts knows this build's action ids (see lib/http/known-action-ids.ts).
    await request.get("/");

    const junk: [string, number, () => Promise<number>][] = [
      ["PUT", 405, () => send("PUT", {}, "x")],
      ["DELETE", 405, () => send("DELETE", {})],
      ["PATCH", 405, () => send("PATCH", {}, "x")],
      ["OPTIONS", 405, () => send("OPTIONS", {})],
      // Never reaches proxy.ts (fetch refuses the method): the Node server answers it (lib/http/refuse-forbidden-methods.ts).
      ["TRACE", 405, () => send("TRACE", {})],
      ["over the body limit", 413, () => send("POST", action(), `["${"x".repeat(MAX_ACTION_BODY_BYTES)}"]`)],
      ["over the limit, chunked", 413, () => send("POST", action(), `["${"x".repeat(MAX_ACTION_BODY_BYTES)}"]`, { chunked: true })],
      ["not JSON", 400, () => send("POST", action(), "{{{not json")],
      ["empty", 400, () => send("POST", action(), "")],
      ["a form-data reference in a text body", 400, () => send("POST", action(), '["$Q1"]')],
      ["multipart", 415, () => send("POST", action({ "content-type": "multipart/form-data; boundary=x" }), "--x\r\njunk")],
      ["a malformed action id", 400, () => send("POST", action({ "next-action": "hello" }), "[]")],
      ["an unknown action id", 409, () => send("POST", action({ "next-action": `40${"ab".repeat(20)}` }), "[]")],
      ["a foreign Origin", 403, () => send("POST", action({ origin: "https://evil.example" }), "[]")],
      ["a POST that is no action", 400, () => send("POST", {}, "hello")],
    ];

    const log = () => readFileSync(e2e.appLogFile, "utf8");
    let sentinel = 0;
    /** A request that logs exactly one known line: everything logged before it is in the file once it shows. */
    const mark = async () => {
      const origin = `https://sentinel-${++sentinel}.example`;
      expect(await send("POST", action({ origin }), "[]")).toBe(403);
      await expect.poll(() => log().includes(origin)).toBe(true);
      return log().split("\n").findIndex((line) => line.includes(origin));
    };

    // What the browser's action call then rejects with: Next's client makes a 4xx text/plain body the Error's message.
    const bodyTooLarge = await rawRequest(baseURL, "POST", action(), `["${"x".repeat(MAX_ACTION_BODY_BYTES)}"]`);
    expect(bodyTooLarge).toMatchObject({ status: 413, type: "text/plain", text: BODY_TOO_LARGE_MESSAGE });

    let before = await mark();
    for (const [name, status, sendJunk] of junk) {
      expect(await sendJunk(), name).toBe(status);
      const after = await mark();
      const lines = log().split("\n").slice(before + 1, after).filter((line) => line.trim());
      expect(lines.length, `${name} logged:\n${lines.join("\n")}`).toBeLessThanOrEqual(1);
      before = after;
    }
    function send(method: string, headers: Record<string, string>, body?: string, options: { chunked?: boolean } = {}) {
      return rawRequest(baseURL, method, headers, body, options).then((response) => response.status);
    }
  });
});

test.describe("the session secret", () => {
  test("a production build started with NODE_ENV=test and no SESSION_SECRET refuses to start, saying what to set", async ({ e2e }) => {
    const port = await freePort();
    const logFile = join(e2e.tempDir, `no-secret-${port}.log`);
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", PORT: String(port), TRACING_ENABLED: "false" };
    delete env.SESSION_SECRET;
    const child = startProcess(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1"], env, logFile);
    try {
      expect(await exitCode(child)).not.toBe(0);
      expect(readFileSync(logFile, "utf8")).toMatch(/SESSION_SECRET is not set\. Set SESSION_SECRET to a random string of at least 32 characters/);
    } finally {
      await stopProcessGroup(child.pid!);
    }
  });
});

function url(base: string | undefined): URL {
  return new URL(base!);
}

function readManifest(): { node: Record<string, { exportedName?: string }> } {
  return JSON.parse(readFileSync(join(".next", "server", "server-reference-manifest.json"), "utf8"));
}

/** A request over node:http: fetch refuses some methods and headers (Host) these tests need. */
function rawRequest(base: string | undefined, method: string, headers: Record<string, string>, body?: string, options: { chunked?: boolean } = {}) {
  const target = url(base);
  return new Promise<{ status: number; type: string | undefined; cookies: string[]; text: string }>((resolve, reject) => {
    const framing = options.chunked || method === "GET" ? {} : { "content-length": String(Buffer.byteLength(body ?? "")) };
    const outgoing = http.request({ host: target.hostname, port: target.port, path: "/", method, headers: { ...headers, ...framing } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode!, type: response.headers["content-type"], cookies: response.headers["set-cookie"] ?? [], text }),
      );
    });
    outgoing.on("error", reject);
    if (options.chunked && body) {
      // Several writes and no Content-Length: proxy.ts has to count.
      for (let at = 0; at < body.length; at += 64 * 1024) outgoing.write(body.slice(at, at + 64 * 1024));
      outgoing.end();
    } else outgoing.end(body);
  });
}
