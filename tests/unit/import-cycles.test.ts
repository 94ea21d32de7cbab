import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * No import cycles in the app (docs/architecture.md, "The rules"): a cycle hides which
 * module depends on which, and makes module initialisation order matter. Type-only imports
 * count too: `a` importing a type from `b` while `b` imports a value from `a` is still
 * two files that can only be understood together.
 *
 * A small resolver over what the app uses: relative and `@/` specifiers, as `import`,
 * `export … from` and `import("…")`, to `.ts`/`.tsx` files or a folder's `index.ts`.
 * Packages and CSS are leaves.
 */

const ROOT = resolve(".");
const ENTRIES = ["app", "components", "lib", "proxy.ts", "instrumentation.ts", "instrumentation-client.ts"];
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)"([^"]+)"/gm;

function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return /\.tsx?$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

function resolveSpecifier(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/") ? join(ROOT, specifier.slice(2)) : specifier.startsWith(".") ? resolve(dirname(from), specifier) : null;
  if (base === null) return null;
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")];
  return candidates.find((path) => /\.tsx?$/.test(path) && existsSync(path) && statSync(path).isFile()) ?? null;
}

function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(SPECIFIER)].map((match) => resolveSpecifier(file, match[1]!)).filter((path) => path !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files around it (first file repeated at the end). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe("imports in app/, components/, lib/ and the root entry files", () => {
  const files = ENTRIES.flatMap((entry) => sourceFiles(join(ROOT, entry)));

  it("form no cycle", () => {
    expect(files.length).toBeGreaterThan(50);
    const cycles = findCycles(importGraph(files)).map((cycle) => cycle.map((file) => relative(ROOT, file)).join(" -> "));
    expect(cycles).toEqual([]);
  });

  it("are all followed: the resolver finds the files the app imports (a test of the test)", () => {
    const graph = importGraph(files);
    const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
    expect(edges).toBeGreaterThan(files.length);
    expect(graph.get(join(ROOT, "lib/chat/chat-error.ts"))).toContain(join(ROOT, "lib/chat/message-size.ts"));
    // A cycle made of two files in memory is found.
    expect(findCycles(new Map([["a", ["b"]], ["b", ["a"]]]))).toEqual([["a", "b", "a"]]);
  });
});
