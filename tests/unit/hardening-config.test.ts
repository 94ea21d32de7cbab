import { describe, expect, it, vi } from "vitest";
import { ConfigError, parseConfig, PRODUCTION_BUILD } from "@/lib/config";

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

  it("reads the build mode from NODE_ENV as Next inlines it: outside a build, the variable itself", () => {
    expect(PRODUCTION_BUILD).toBe(process.env.NODE_ENV === "production");
  });
});
