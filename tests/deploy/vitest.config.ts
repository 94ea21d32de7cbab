import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:deploy`: Vercel's build of the whole app. Its own step (not part of
 * `test:unit`) because it runs a full production build, about a minute of CPU.
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["tests/deploy/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 60_000,
    // The build runs once, in beforeAll: generous for a loaded 2-core CI machine.
    hookTimeout: 600_000,
  },
});
