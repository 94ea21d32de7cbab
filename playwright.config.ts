import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "./tests/e2e/support/chromium";

/**
 * One production app and one real Phoenix (global setup) serve every test. Each test
 * is its own user (a fresh browser context), so tests run two at a time: most of a
 * test's time is spent waiting (answers streaming, Phoenix ingesting), not computing.
 * The few tests that disturb what every other test shares (stopping Phoenix, reading
 * the shared app's log line by line) are tagged `@exclusive` and run afterwards, alone.
 */
const EXCLUSIVE = /@exclusive/;

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  workers: 2,
  fullyParallel: true,
  forbidOnly: true,
  // A test that needs a retry is a broken test (CI shares its two cores with whatever else runs).
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
    screenshot: "only-on-failure",
    // Recording a trace costs every test about a tenth of the suite's CPU (it is CPU-bound on
    // 2 cores: 5.8 min instead of 6.6), so it is off unless asked for. A failure still leaves
    // a screenshot and the page's ARIA snapshot; to record traces of failures, run with
    // E2E_TRACE=retain-on-failure (the loaded runs do, where flakes are hunted).
    trace: traceMode(process.env.E2E_TRACE),
  },
  projects: [
    { name: "shared", grepInvert: EXCLUSIVE },
    { name: "exclusive", grep: EXCLUSIVE, dependencies: ["shared"], workers: 1 },
  ],
});

function traceMode(value: string | undefined): "off" | "on" | "retain-on-failure" {
  if (value === undefined || value === "" || value === "off") return "off";
  if (value === "on" || value === "retain-on-failure") return value;
  throw new Error(`E2E_TRACE must be off, on or retain-on-failure, not "${value}"`);
}
