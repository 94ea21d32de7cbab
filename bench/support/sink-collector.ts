import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { freePort } from "../../tests/e2e/support/processes";
import { decodeTraceRequest } from "../../tests/support/otlp-protobuf";

/**
 * An OTLP endpoint that accepts and discards: for measuring what tracing costs
 * the app, without a collector competing for the same two cores.
 *
 * With `countSpans`, it keeps the request bodies and counts their spans only when
 * asked (`spans()`, after the measurement), so a benchmark can check that the
 * traced side really exported every span (a processor that dropped spans under
 * load would look cheap). Decoding as requests arrive would spend this process's
 * CPU, on the same two cores, only while the traced side runs: a bias against it.
 */
export async function startSinkCollector(options: { countSpans?: boolean } = {}): Promise<{
  url: string;
  spans: () => number;
  /** Bytes of every request body received so far, as they came over the wire. */
  bytes: () => number;
  stop: () => Promise<void>;
}> {
  let counted = 0;
  let bytes = 0;
  const pending: { body: Buffer; gzip: boolean }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (options.countSpans) chunks.push(chunk);
    });
    request.on("end", () => {
      if (options.countSpans) pending.push({ body: Buffer.concat(chunks), gzip: request.headers["content-encoding"] === "gzip" });
      response.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  const spans = () => {
    if (!options.countSpans) throw new Error("this sink was started without countSpans");
    for (const { body, gzip } of pending.splice(0)) {
      try {
        counted += decodeTraceRequest(gzip ? gunzipSync(body) : body).length;
      } catch {
        // Unreadable: the count falls short, and the benchmark says so.
      }
    }
    return counted;
  };
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bytes: () => bytes,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
