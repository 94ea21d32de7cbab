import { afterEach, describe, expect, it, vi } from "vitest";
import { BODY_TOO_LARGE_MESSAGE, isBodyTooLargeError, MAX_ACTION_BODY_BYTES } from "@/lib/http/body-limit";
import { isPlainActionReply } from "@/lib/http/plain-action-reply";
import { refuseJunkRequest } from "@/lib/http/refuse-junk-request";

const ORIGIN = "http://127.0.0.1:3000";
const ACTION_ID = `40${"ab".repeat(20)}`;

function actionCall(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", origin: ORIGIN, "next-action": ACTION_ID, "content-type": "text/plain;charset=UTF-8", ...headers },
    body,
    // @ts-expect-error Node's fetch needs this for a stream body; the DOM types do not know it.
    duplex: "half",
  });
}

async function refusal(request: Request) {
  const response = await refuseJunkRequest(request);
  return response && { status: response.status, type: response.headers.get("content-type"), allow: response.headers.get("allow"), body: await response.text() };
}

afterEach(() => vi.restoreAllMocks());

describe("requests the app never makes are refused before Next decodes them", () => {
  it("lets pages and well-formed action calls through", async () => {
    expect(await refuseJunkRequest(new Request(`${ORIGIN}/`))).toBeNull();
    expect(await refuseJunkRequest(new Request(`${ORIGIN}/`, { method: "HEAD" }))).toBeNull();
    expect(await refuseJunkRequest(actionCall(JSON.stringify([{ message: "hi $$ there", at: "$D2026-01-01T00:00:00.000Z", n: "$undefined" }])))).toBeNull();
    expect(await refuseJunkRequest(actionCall("[]"))).toBeNull();
    // An object sent twice: React writes a path to the first copy.
    expect(await refuseJunkRequest(actionCall(JSON.stringify([{ a: { x: 1 }, b: "$0:0:a" }])))).toBeNull();
  });

  it("answers other methods with 405 and the methods it allows", async () => {
    for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS"]) {
      expect(await refusal(new Request(`${ORIGIN}/`, { method }))).toMatchObject({ status: 405, allow: "GET, HEAD, POST" });
    }
  });

  it("refuses a body over the limit with 413, by Content-Length or by counting a chunked body", async () => {
    const declared = actionCall("[]", { "content-length": String(MAX_ACTION_BODY_BYTES + 1) });
    expect(await refusal(declared)).toEqual({ status: 413, type: "text/plain", allow: null, body: BODY_TOO_LARGE_MESSAGE });
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    expect(await refusal(actionCall(stream))).toMatchObject({ status: 413, body: BODY_TOO_LARGE_MESSAGE });
    // What the browser's action call then rejects with (Next's client: a 4xx text/plain body becomes the Error's message).
    expect(isBodyTooLargeError(new Error(BODY_TOO_LARGE_MESSAGE))).toBe(true);
    expect(isBodyTooLargeError(new Error("An unexpected response was received from the server."))).toBe(false);
  });

  it("refuses bodies React cannot decode with 400", async () => {
    for (const body of ["", "{{{not json", "{}", '"text"', '["$Q1"]', '["$@2"]', '["$B1"]', '[{"a":"$0:nope"}]', `${"[".repeat(200)}${"]".repeat(200)}`]) {
      expect(await refusal(actionCall(body)), body.slice(0, 20)).toMatchObject({ status: 400, type: "text/plain" });
    }
  });

  it("refuses a malformed action id, a POST that is no action, and multipart bodies", async () => {
    expect(await refusal(actionCall("[]", { "next-action": "hello" }))).toMatchObject({ status: 400 });
    const noAction = new Request(`${ORIGIN}/`, { method: "POST", body: "hello" });
    expect(await refusal(noAction)).toMatchObject({ status: 400 });
    expect(await refusal(actionCall("--x\r\n", { "content-type": "multipart/form-data; boundary=x" }))).toMatchObject({ status: 415 });
  });

  it("refuses a foreign Origin with 403 and one log line; no Origin is Next's to judge", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1:3001", "not a url"]) {
      expect(await refusal(actionCall("[]", { origin })), origin).toMatchObject({ status: 403 });
    }
    expect(warn).toHaveBeenCalledTimes(4);
    expect(String(warn.mock.calls[0]![0])).not.toContain("\n");
    // Behind a proxy Next compares with X-Forwarded-Host, and so does this check.
    expect(await refuseJunkRequest(actionCall("[]", { origin: "https://chat.example.com", "x-forwarded-host": "chat.example.com" }))).toBeNull();
  });

  it("knows React's plain reply format", () => {
    expect(isPlainActionReply('["$$literal dollar", "$NaN", "$-Infinity", "$-0", "$n-12", "$T"]')).toBe(true);
    expect(isPlainActionReply('["$n12x"]')).toBe(false);
    expect(isPlainActionReply('[{"a":[1,2]},"$0:0:a:1"]')).toBe(true);
    expect(isPlainActionReply('[{"a":[1,2]},"$0:0:a:5"]')).toBe(false);
    expect(isPlainActionReply('["$1:a"]')).toBe(false);
  });
});
