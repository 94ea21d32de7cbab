import { describe, expect, it, vi } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";

describe("a production build never invents a session secret", () => {
  it("refuses to start without SESSION_SECRET whatever NODE_ENV says", () => {
    for (const NODE_ENV of ["test", "development", undefined]) {
      expect(() => parseConfig({ NODE_ENV }, { productionBuild: true })).toThrow(ConfigError);
      expect(() => parseConfig({ NODE_ENV }, { productionBuild: true })).toThrow(/SESSION_SECRET is not set/);
    }
  });

  it("still makes one up for `next dev` (not a production build)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const env: Record<string, string | undefined> = { NODE_ENV: "development" };
    expect(parseConfig(env, { productionBuild: false }).sessionSecrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("refuses NODE_ENV=production without a secret even outside a production build", () => {
    expect(() => parseConfig({ NODE_ENV: "production" }, { productionBuild: false })).toThrow(/SESSION_SECRET is not set/);
  });

  // That `next build` really inlines PRODUCTION_BUILD as true is checked on the built app itself:
  // tests/e2e/hardening.spec.ts starts the production build with NODE_ENV=test and no secret.
});
