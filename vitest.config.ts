import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside React's server bundles; tests are server code too.
      { find: /^server-only$/, replacement: `${root}/node_modules/server-only/empty.js` },
    ],
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    // Each file gets its own process: tracing registers process-wide globals.
    pool: "forks",
    // Two at a time, not Vitest's default of one fewer than the cores (one, on a 2-core CI):
    // much of a file's time is waiting (a Phoenix starting, Redis, a server's timers).
    maxWorkers: 2,
  },
});
