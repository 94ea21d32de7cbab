/**
 * The browser suite as CI meets it on a bad day: run several times in a row while
 * another process keeps every core busy. A test that passes only on a quiet machine
 * fails here. Retries stay at 0 (playwright.config.ts).
 *
 *   npm run test:e2e:loaded               # build, then 3 runs under load
 *   npm run test:e2e:loaded -- --runs 5   # more runs
 *   npx tsx scripts/e2e-under-load.ts --runs 10 -- limits.spec.ts   # after a build: what follows -- goes to playwright
 *
 * The load is bounded: one busy-looping child per core, at normal priority, each
 * ending on its own after `--hog-minutes` (default 60) and killed when this script ends.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "3" },
    "hog-minutes": { type: "string", default: "60" },
  },
});
const runs = Number(values.runs);
const hogMs = Number(values["hog-minutes"]) * 60_000;
if (!Number.isInteger(runs) || runs < 1 || !(hogMs > 0)) {
  console.error("usage: tsx scripts/e2e-under-load.ts [--runs N] [--hog-minutes M] [playwright arguments]");
  process.exit(2);
}

const hogs: ChildProcess[] = [];
const stopHogs = () => {
  for (const hog of hogs) hog.kill("SIGKILL");
};
process.on("exit", stopHogs);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const cores = availableParallelism();
for (let i = 0; i < cores; i++) {
  // A tight loop of real work (not a sleep): the scheduler has to share the core with it.
  const loop = `const end = Date.now() + ${hogMs}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x += i % 7; }`;
  hogs.push(spawn(process.execPath, ["-e", loop], { stdio: "ignore" }));
}
console.log(`[load] ${cores} CPU hogs running (one per core, at most ${values["hog-minutes"]} min)`);

const results: { run: number; ok: boolean; seconds: number }[] = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  console.log(`[load] run ${run} of ${runs}: playwright test (retries 0)`);
  // A trace of each failure: these runs are where flakes are hunted.
  const env = { ...process.env, E2E_TRACE: process.env.E2E_TRACE ?? "retain-on-failure" };
  const result = spawnSync("npx", ["playwright", "test", "--retries=0", ...positionals], { stdio: "inherit", env });
  const seconds = Math.round((Date.now() - started) / 1000);
  results.push({ run, ok: result.status === 0, seconds });
  console.log(`[load] run ${run}: ${result.status === 0 ? "passed" : `FAILED (exit ${result.status})`} in ${seconds} s`);
}
stopHogs();
console.log("[load] summary:");
for (const { run, ok, seconds } of results) console.log(`  run ${run}: ${ok ? "passed" : "FAILED"} (${seconds} s)`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
