import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "@/lib/config";
import { createTurnLimiter } from "@/lib/limits/app-turn-limiter";

const SECRET = "s".repeat(32);

afterEach(() => vi.restoreAllMocks());

describe("the app's turn limiter", () => {
  it("counts in Redis when REDIS_URL is set, and says so once at start", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const limiter = createTurnLimiter(parseConfig({ SESSION_SECRET: SECRET, REDIS_URL: "redis://127.0.0.1:1" }));
    expect(limiter.store).toBe("redis");
    expect(info.mock.calls).toEqual([["[limits] counting turns in Redis (REDIS_URL): the limits hold across instances"]]);
    await limiter.close();
  });

  it("counts in this process without REDIS_URL, and warns on Vercel, where that means one budget per instance", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(createTurnLimiter(parseConfig({ SESSION_SECRET: SECRET })).store).toBe("memory");
    expect(info).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();

    const onVercel = createTurnLimiter(parseConfig({ SESSION_SECRET: SECRET, VERCEL: "1" }));
    expect(onVercel.store).toBe("memory");
    expect(warn.mock.calls).toEqual([
      ["[limits] REDIS_URL is not set: counting turns in this process, so the limits hold for one instance only"],
    ]);
  });

  it("applies the configured budgets", async () => {
    vi.spyOn(console, "info").mockImplementation(() => undefined);
    const limiter = createTurnLimiter(parseConfig({ SESSION_SECRET: SECRET, TURN_LIMIT_FREE: "1", MAX_CONCURRENT_TURNS: "5" }));
    expect((await limiter.acquire("u1", "free")).ok).toBe(true);
    expect(await limiter.acquire("u1", "free")).toMatchObject({ ok: false, refusal: { reason: "budget", limit: 1, windowSeconds: 3600 } });
  });
});
