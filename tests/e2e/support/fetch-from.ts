import { request } from "node:http";
import { Readable } from "node:stream";

/**
 * A `fetch` whose connections leave from a chosen loopback address (127.0.0.2,
 * 127.0.0.3, ...: Linux routes all of 127/8 to the loopback interface), so one test
 * process can be several client addresses to the app, as a script on several machines
 * would be. Node's own `fetch` cannot pick its source address. Enough of `fetch` for
 * the chat's clients: method, headers, a string body; the answer streams.
 */
export function fetchFrom(localAddress: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? "GET", headers, localAddress },
        (incoming) => {
          const answer = new Headers();
          for (let i = 0; i < incoming.rawHeaders.length; i += 2) answer.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
          const status = incoming.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
          resolve(new Response(body, { status, headers: answer }));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(typeof init.body === "string" ? init.body : undefined);
    });
  }) as typeof fetch;
}
