import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "@/lib/config";
import { createLimiter } from "@/lib/limits/app-limiter";

const SECRET = "s".repeat(32);

afterEach(() => vi.restoreAllMocks());

describe("the app's limiter", () => {
  it("counts in Redis when REDIS_URL is set, and says so once at start", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const limiter = createLimiter(parseConfig({ SESSION_SECRET: SECRET, REDIS_URL: "redis://127.0.0.1:1" }));
    expect(limiter.store).toBe("redis");
    expect(info.mock.calls).toEqual([["[limits] counting in Redis (REDIS_URL): the limits hold across instances"]]);
    await limiter.close();
  });

  it("counts in this process without REDIS_URL, and warns on Vercel, where that means one budget per instance", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(createLimiter(parseConfig({ SESSION_SECRET: SECRET })).store).toBe("memory");
    expect(info).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();

    const onVercel = createLimiter(parseConfig({ SESSION_SECRET: SECRET, VERCEL: "1" }));
    expect(onVercel.store).toBe("memory");
    expect(warn.mock.calls).toEqual([
      ["[limits] REDIS_URL is not set: counting in this process, so the limits hold for one instance only"],
    ]);
  });

  it("applies the configured budgets", async () => {
    vi.spyOn(console, "info").mockImplementation(() => undefined);
    const config = parseConfig({ SESSION_SECRET: SECRET, TURN_LIMIT_FREE: "1", TURN_LIMIT_PER_ADDRESS: "2", TURN_LIMIT_GLOBAL_PER_HOUR: "3" });
    const limiter = createLimiter(config);
    const turn = (userId: string, address: string) => limiter.acquireTurn({ userId, tier: "free", address, sessionId: "s" });
    expect((await turn("u1", "192.0.2.1")).ok).toBe(true);
    expect(await turn("u1", "192.0.2.1")).toMatchObject({ ok: false, refusal: { reason: "budget", limit: 1, windowSeconds: 3600 } });
    expect((await turn("u2", "192.0.2.1")).ok).toBe(true);
    expect(await turn("u3", "192.0.2.1")).toMatchObject({ ok: false, refusal: { reason: "address", limit: 2 } });
    expect((await turn("u4", "192.0.2.2")).ok).toBe(true);
    expect(await turn("u5", "192.0.2.3")).toMatchObject({ ok: false, refusal: { reason: "global", limit: 3, windowSeconds: 3600 } });
  });
});
