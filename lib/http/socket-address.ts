import "server-only";
import http from "node:http";

/**
 * The TCP peer's address, as a request header proxy.ts and Server Actions can read.
 * Next 16 gives neither the socket, and `next start` keeps an `X-Forwarded-For` the
 * client sent (it fills it in only when absent), so that header is whatever a script
 * wants it to be. We set our own header at the Node HTTP server, before Next sees the
 * request, from `req.socket.remoteAddress`, overwriting any value the client sent.
 *
 * Only `next start` (a Node server in this process) runs this: on Vercel the platform's
 * own header is used instead (lib/limits/client-address.ts), and a process where the
 * stamp is not installed never trusts the header at all (`socketAddressStamped()`).
 */

export const SOCKET_ADDRESS_HEADER = "x-chat-socket-address";

const PATCHED = Symbol.for("phoenix-session-chat.socket-address-stamped");

export function stampSocketAddress(): void {
  const proto = http.Server.prototype as http.Server & { [PATCHED]?: boolean };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [request] = args as [http.IncomingMessage];
      // Always written (empty when unknown), so a client-sent value never survives.
      request.headers[SOCKET_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "";
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof proto.emit;
}

/** Whether this process stamps requests: only then is the header ours and not the client's. */
export function socketAddressStamped(): boolean {
  return (http.Server.prototype as { [PATCHED]?: boolean })[PATCHED] === true;
}
