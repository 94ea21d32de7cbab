import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The README's "Use it in your own app", performed: copy lib/tracing/ (nothing else)
 * into an empty project whose node_modules holds only the packages the README's
 * `npm install` line names (linked from this repo's node_modules, no network), plus
 * the tools any Next.js app has (typescript, @types/node) and tsx to run a script.
 * Then typecheck it strictly and run a streamed, traced turn through it.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const TOOLS = ["typescript", "@types/node", "tsx"];

let project: string;

/** The packages of the README's install line in "Use it in your own app", versions stripped. */
async function readmePackages(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use it in your own app"));
  const line = section.split("\n").find((l) => l.startsWith("npm install "));
  if (!line) throw new Error('README\'s "Use it in your own app" has no `npm install` line');
  return line
    .slice("npm install ".length)
    .trim()
    .split(/\s+/)
    .map((spec) => spec.replace(/(?<=.)@.*$/, ""));
}

const TURN_SCRIPT = `
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { jsonSchema, stepCountIs, streamText, tool, toUIMessageStream, type UIMessageChunk } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { flushTraces, installTracing, traceTurn, traceUIMessageStream, usingAttributes, usingSession } from "./lib/tracing";

const exporter = new InMemorySpanExporter();
installTracing({ exporter, projectName: "lifted" });

const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 4, text: 4, reasoning: 0 } };
const streamOf = (parts: unknown[]) => ({
  stream: new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } }),
});
const model = new MockLanguageModelV4({
  doStream: [
    streamOf([
      { type: "stream-start", warnings: [] },
      { type: "text-start", id: "a" },
      { type: "text-delta", id: "a", delta: "Let me check. " },
      { type: "text-end", id: "a" },
      { type: "tool-call", toolCallId: "call-1", toolName: "clock", input: "{}" },
      { type: "finish", finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage },
    ]),
    streamOf([
      { type: "stream-start", warnings: [] },
      { type: "text-start", id: "b" },
      { type: "text-delta", id: "b", delta: "It is noon." },
      { type: "text-end", id: "b" },
      { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
    ]),
  ] as never,
});
const clock = tool({ description: "The time", inputSchema: jsonSchema<Record<string, never>>({ type: "object" }), execute: async () => ({ time: "12:00" }) });

const turn = usingSession("lift-session", () =>
  usingAttributes({ userId: "lift-user", metadata: { plan: "pro" } }, () =>
    traceTurn("What time is it?", (span) => {
      const abortController = new AbortController();
      let failure: unknown;
      const result = streamText({
        model,
        prompt: "What time is it?",
        tools: { clock },
        stopWhen: stepCountIs(3),
        abortSignal: abortController.signal,
        onError: ({ error }) => void (failure = error),
      });
      return traceUIMessageStream(span, toUIMessageStream({ stream: result.stream }), { abortController, failure: () => failure });
    }),
  ),
);
const chunks: UIMessageChunk[] = [];
for await (const chunk of turn.stream) chunks.push(chunk);
const ending = await turn.finished;
await flushTraces();
console.log(JSON.stringify({
  ending: { outcome: ending.outcome, output: ending.output },
  spans: exporter.getFinishedSpans().map((s) => ({ name: s.name, parent: s.parentSpanContext?.spanId ?? null, attributes: s.attributes })),
}));
`;

const TSCONFIG = {
  // What create-next-app writes, strict.
  compilerOptions: {
    target: "ES2022",
    lib: ["dom", "dom.iterable", "esnext"],
    strict: true,
    noEmit: true,
    module: "esnext",
    moduleResolution: "bundler",
    isolatedModules: true,
    skipLibCheck: true,
    types: ["node"],
  },
  include: ["**/*.ts"],
};

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "lib-tracing-lift-"));
  await cp(join(ROOT, "lib/tracing"), join(project, "lib/tracing"), { recursive: true });
  for (const name of [...(await readmePackages()), ...TOOLS]) {
    await mkdir(join(project, "node_modules", name, ".."), { recursive: true });
    await symlink(join(ROOT, "node_modules", name), join(project, "node_modules", name), "dir");
  }
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "lifted", private: true, type: "module" }));
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  await writeFile(join(project, "turn.ts"), TURN_SCRIPT);
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("lib/tracing lifted into an empty project", () => {
  it("has no import from the app around it", async () => {
    const { stdout } = await run("grep", ["-rn", "-E", `from "@/|import\\("@/|from "\\.\\./`, join(ROOT, "lib/tracing")]).catch(
      (error: { code?: number; stdout?: string }) => (error.code === 1 ? { stdout: "" } : Promise.reject(error)),
    );
    expect(stdout).toBe("");
  });

  it("typechecks (strict) with only the README's packages", async () => {
    const tsc = join(project, "node_modules/typescript/bin/tsc");
    const result = await run(process.execPath, [tsc, "-p", project], { cwd: project }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  }, 60_000);

  it("runs a streamed, traced turn: session, user and metadata on every span, one plain-text root", async () => {
    const { stdout } = await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "turn.ts"], { cwd: project });
    const { ending, spans } = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      ending: { outcome: string; output: string };
      spans: { name: string; parent: string | null; attributes: Record<string, unknown> }[];
    };
    expect(ending).toEqual({ outcome: "completed", output: "Let me check. It is noon." });
    expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(["chat.turn", expect.stringMatching(/^execute_tool/)]));
    expect(spans.length).toBeGreaterThanOrEqual(5);
    for (const span of spans) {
      expect(span.attributes["session.id"], span.name).toBe("lift-session");
      expect(span.attributes["user.id"], span.name).toBe("lift-user");
      expect(JSON.parse(span.attributes.metadata as string), span.name).toEqual({ plan: "pro" });
    }
    const roots = spans.filter((span) => span.parent === null);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.attributes).toMatchObject({
      "input.value": "What time is it?",
      "input.mime_type": "text/plain",
      "output.value": "Let me check. It is noon.",
      "output.mime_type": "text/plain",
      "chat.turn.outcome": "completed",
    });
  }, 60_000);
});
