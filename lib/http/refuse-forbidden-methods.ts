import "server-only";
import http from "node:http";

/**
 * TRACE and TRACK never reach proxy.ts: Next turns each request into a fetch
 * `Request` first, fetch refuses those methods, and Next answers 500 with a stack
 * trace in the log, so anyone can flood it. We answer them with 405 at the Node
 * HTTP server, before Next sees them. (CONNECT arrives as a `connect` event, which
 * Next does not listen to: Node closes the socket quietly.) Serverless platforms
 * run their own HTTP front; this only matters for `next start`.
 */

const FORBIDDEN = new Set(["TRACE", "TRACK"]);
const PATCHED = Symbol.for("phoenix-session-chat.forbidden-methods-refused");

export function refuseForbiddenMethods(): void {
  const proto = http.Server.prototype as http.Server & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      if (FORBIDDEN.has(request.method ?? "")) {
        response.writeHead(405, { Allow: "GET, HEAD, POST", "Content-Type": "text/plain; charset=utf-8" });
        response.end("Method not allowed.\n");
        return true;
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof proto.emit;
}
