import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { flushTraces } from "@/lib/tracing/flush";
import { installTracing, phoenixExporter } from "@/lib/tracing/register";
import { answerText, readAll, startTurn } from "./support/traced-turns";

// A collector whose answer the test decides: refusing (401, as with a wrong PHOENIX_API_KEY) or accepting.
let mode: "refuse" | "accept" = "refuse";
let received = 0;
let server: Server;
const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
const info = vi.spyOn(console, "info").mockImplementation(() => undefined);

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received++;
      response.writeHead(mode === "refuse" ? 401 : 200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  installTracing({
    exporter: phoenixExporter({ collectorEndpoint: url, apiKey: "wrong-key" }),
    projectName: "t",
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const exportWarnings = () => warn.mock.calls.filter(([message]) => String(message).includes("span export failed"));

describe("a collector that refuses, then recovers", () => {
  it("keeps the chat working and logs the failure once, not once per batch", async () => {
    for (let i = 0; i < 5; i++) {
      const turn = startTurn("What time is it in Tokyo?");
      expect(answerText(await readAll(turn.stream))).toContain("Asia/Tokyo");
      expect((await turn.finished).outcome).toBe("completed");
      await flushTraces();
    }
    expect(received).toBeGreaterThanOrEqual(5);
    expect(exportWarnings()).toHaveLength(1);
    expect(String(exportWarnings()[0]![0])).toMatch(/401|Unauthorized/);
  });

  it("says once when export works again", async () => {
    mode = "accept";
    const before = received;
    const warningsBefore = exportWarnings().length;
    const turn = startTurn("Hello!");
    await readAll(turn.stream);
    await flushTraces();
    expect(received).toBeGreaterThan(before);
    expect(info.mock.calls.filter(([message]) => String(message).includes("span export recovered"))).toHaveLength(1);
    expect(exportWarnings()).toHaveLength(warningsBefore);
  });
});
