import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOtlpCollector, type FakeOtlpCollector } from "../support/fake-otlp-collector";

/**
 * The README's "Use it in your own app", performed as written: copy the folder the README
 * names (nothing else) into an empty project whose node_modules holds only the packages its
 * `npm install` line names (linked from this repo's node_modules, no network), plus the tools
 * any Next.js app has (typescript, @types/node) and tsx to run a script. Its step-3 code
 * becomes the project's instrumentation.ts and its step-4 code the body of a turn, exactly
 * as printed there; a local OTLP collector stands in for Phoenix. Then typecheck it
 * strictly, run a streamed turn through it, and read the spans the collector received.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const TOOLS = ["typescript", "@types/node", "tsx"];

let project: string;
let collector: FakeOtlpCollector;

type ReadmeSteps = { folder: string; packages: string[]; instrumentation: string; turn: { imports: string; body: string } };

/** Steps 1 to 4 of the README's "Use it in your own app", as a reader copies them. */
async function readmeSteps(): Promise<ReadmeSteps> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Use it in your own app")).split(/^## /m)[1]!;
  const folder = section.match(/\*\*1\. Copy `([^`]+)`/)?.[1]?.replace(/\/$/, "");
  const line = section.split("\n").find((l) => l.startsWith("npm install "));
  const codeAfter = (marker: string) => section.slice(section.indexOf(marker)).match(/```ts\n([\s\S]*?)```/)?.[1];
  const instrumentation = codeAfter("**3.");
  const turn = codeAfter("**4.");
  if (!folder || !line || !instrumentation || !turn) throw new Error('README\'s "Use it in your own app" lost one of its four steps');
  const lines = turn.split("\n");
  return {
    folder,
    packages: line.slice("npm install ".length).trim().split(/\s+/).map((spec) => spec.replace(/(?<=.)@.*$/, "")),
    instrumentation,
    turn: { imports: lines.filter((l) => l.startsWith("import ")).join("\n"), body: lines.filter((l) => !l.startsWith("import ")).join("\n") },
  };
}

/** What a turn has in the reader's app (the names step 4 uses), then step 4 itself, then its stream read to the end. */
const turnScript = (steps: ReadmeSteps) => `
${steps.turn.imports}
import { MockLanguageModelV4 } from "ai/test";
import { flushTraces } from "./lib/tracing";
import { register } from "./instrumentation";

const usage = { inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 4, text: 4, reasoning: 0 } };
const model = new MockLanguageModelV4({
  doStream: async () => ({
    stream: new ReadableStream({
      start(c) {
        for (const p of [
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "a" },
          { type: "text-delta", id: "a", delta: "It is noon." },
          { type: "text-end", id: "a" },
          { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
        ]) c.enqueue(p as never);
        c.close();
      },
    }),
  }),
});
const conversationId = "lift-session";
const userId = "lift-user";
const plan = "pro";
const userText = "What time is it?";
const messages = [{ role: "user" as const, content: userText }];

async function turn() {
${steps.turn.body}
}

await register();
const chunks: unknown[] = [];
for await (const chunk of await turn()) chunks.push(chunk);
await flushTraces();
console.log(JSON.stringify({ chunks: chunks.length }));
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
  const steps = await readmeSteps();
  collector = await startFakeOtlpCollector();
  project = await mkdtemp(join(tmpdir(), "lib-tracing-lift-"));
  await cp(join(ROOT, steps.folder), join(project, steps.folder), { recursive: true });
  for (const name of [...steps.packages, ...TOOLS]) {
    await mkdir(join(project, "node_modules", name, ".."), { recursive: true });
    await symlink(join(ROOT, "node_modules", name), join(project, "node_modules", name), "dir");
  }
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "lifted", private: true, type: "module" }));
  await writeFile(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  await writeFile(join(project, "instrumentation.ts"), steps.instrumentation);
  await writeFile(join(project, "turn.ts"), turnScript(steps));
});

afterAll(async () => {
  await collector?.stop();
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

  it("runs the README's turn through the README's registration: session, user and metadata on every span, one plain-text root", async () => {
    const env = { ...process.env, NEXT_RUNTIME: "nodejs", PHOENIX_COLLECTOR_ENDPOINT: collector.url, PHOENIX_API_KEY: "", OPENAI_API_KEY: "" };
    const { stdout } = await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "turn.ts"], { cwd: project, env });
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!).chunks).toBeGreaterThan(3);
    const spans = collector.spans();
    expect(collector.errors()).toEqual([]);
    expect(spans.map((span) => span.name)).toEqual(expect.arrayContaining(["chat.turn", expect.stringMatching(/^chat /)]));
    for (const span of spans) {
      expect(span.attributes["session.id"], span.name).toBe("lift-session");
      expect(span.attributes["user.id"], span.name).toBe("lift-user");
      expect(JSON.parse(span.attributes.metadata as string), span.name).toEqual({ plan: "pro" });
      expect(span.resource["openinference.project.name"], span.name).toBe("my-app");
    }
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.attributes).toMatchObject({
      "input.value": "What time is it?",
      "input.mime_type": "text/plain",
      "output.value": "It is noon.",
      "output.mime_type": "text/plain",
      "chat.turn.outcome": "completed",
    });
  }, 60_000);
});
