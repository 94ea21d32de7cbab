import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export type TcpGate = {
  /** Where to connect instead of the target, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops listening and cuts every open connection: to a client, the target has stopped. */
  close: () => Promise<void>;
  /** Listens again on the same port: the target is back. */
  open: () => Promise<void>;
};

/**
 * A loopback TCP relay to `target` that a test can close and open again. A client
 * pointed at the gate sees exactly what a stopped server looks like (connections
 * refused, the open ones cut), while the server behind it keeps running for everyone
 * else: one test can take "Phoenix" away from its own app without stopping the
 * Phoenix the other tests write to, and bring it back at once, with no restart.
 */
export async function startTcpGate(target: string): Promise<TcpGate> {
  const { hostname, port: targetPort } = new URL(target);
  let port = 0; // the first listen picks a free one; reopening takes the same
  const sockets = new Set<Socket>();
  let server: Server | null = null;

  const relay = (client: Socket) => {
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      // One side failing ends both, as a dropped connection would.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };

  const open = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve();
      const listening = createServer(relay);
      listening.once("error", reject);
      listening.listen(port, "127.0.0.1", () => {
        port = (listening.address() as AddressInfo).port;
        server = listening;
        resolve();
      });
    });

  const close = () =>
    new Promise<void>((resolve) => {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (!closing) return resolve();
      closing.close(() => resolve());
    });

  await open();
  return { url: `http://127.0.0.1:${port}`, open, close };
}
