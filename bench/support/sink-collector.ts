import { createServer, type Server } from "node:http";
import { freePort } from "../../tests/e2e/support/processes";

/**
 * An OTLP endpoint that accepts and discards: for measuring what tracing costs
 * the app, without a collector competing for the same two cores.
 */
export async function startSinkCollector(): Promise<{ url: string; received: () => number; stop: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      requests++;
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
