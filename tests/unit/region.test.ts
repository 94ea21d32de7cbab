import { describe, expect, it } from "vitest";
import { regionFromHeaders } from "@/lib/identity/region";

describe("regionFromHeaders", () => {
  const vercelHeaders = new Headers({ "x-vercel-ip-country": "de", "x-vercel-ip-country-region": "BE" });

  it("uses Vercel's geo headers on Vercel", () => {
    expect(regionFromHeaders(vercelHeaders, true, "local")).toBe("DE-BE");
    expect(regionFromHeaders(new Headers({ "x-vercel-ip-country": "JP" }), true, "local")).toBe("JP");
  });

  it("ignores those headers elsewhere, where any client could send them", () => {
    expect(regionFromHeaders(vercelHeaders, false, "local")).toBe("local");
  });

  it("falls back to the default when the headers are missing or malformed", () => {
    expect(regionFromHeaders(new Headers(), true, "eu")).toBe("eu");
    expect(regionFromHeaders(new Headers({ "x-vercel-ip-country": "<script>" }), true, "eu")).toBe("eu");
  });
});
