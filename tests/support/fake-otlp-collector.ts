import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { decodeTraceRequest, type ReceivedSpan } from "./otlp-protobuf";

export type CollectedSpan = ReceivedSpan & { /** `Date.now()` when the request carrying it arrived. */ receivedAt: number };

export type FakeOtlpCollector = {
  /** The base URL, as PHOENIX_COLLECTOR_ENDPOINT (the app adds `/v1/traces`). */
  url: string;
  /** Every span received so far, in arrival order. */
  spans(): CollectedSpan[];
  /** Requests whose body could not be decoded (a test should expect none). */
  errors(): string[];
  stop(): Promise<void>;
};

/**
 * A local stand-in for Phoenix's OTLP/HTTP collector: accepts `POST /v1/traces`
 * (protobuf, gzip or not), answers 200 like Phoenix, and keeps every span it
 * decoded, with its arrival time, so a test can see what was exported and when.
 */
export async function startFakeOtlpCollector(): Promise<FakeOtlpCollector> {
  const received: CollectedSpan[] = [];
  const errors: string[] = [];
  const server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/v1/traces") {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readBody(request);
      const receivedAt = Date.now();
      for (const span of decodeTraceRequest(body)) received.push({ ...span, receivedAt });
      // An empty ExportTraceServiceResponse: full success.
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    } catch (error) {
      errors.push((error as Error).message);
      response.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    errors: () => [...errors],
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
}
