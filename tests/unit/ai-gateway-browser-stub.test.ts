import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as real from "@ai-sdk/gateway";
import { describe, expect, it } from "vitest";
import * as stub from "@/components/chat/ai-gateway-browser-stub";

/**
 * The browser's stand-in for @ai-sdk/gateway (next.config.ts). The browser bundle builds with
 * whatever the stub exports: a name `ai` imports that the stub lacks would be undefined there,
 * and nothing but the browser would notice.
 */

/** The names `ai`'s bundle imports from @ai-sdk/gateway, read from the installed package. */
function namesAiImports(): string[] {
  const aiEntry = createRequire(import.meta.url).resolve("ai");
  const source = readFileSync(join(dirname(aiEntry), "index.js"), "utf8");
  const imports = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@ai-sdk\/gateway"/g)];
  expect(imports.length).toBeGreaterThan(0);
  return [...new Set(imports.flatMap((m) => m[1]!.split(",").map((name) => name.trim().split(/\s+as\s+/)[0]!)))].filter(Boolean);
}

describe("the browser's @ai-sdk/gateway stub", () => {
  it("exports every name `ai` imports from the real package", () => {
    const names = namesAiImports();
    expect(names).toContain("gateway");
    for (const name of names) expect(stub, name).toHaveProperty(name);
  });

  it("tells the real package's errors apart as the real classes do", () => {
    const plain = new real.GatewayInternalServerError({ message: "x" });
    const auth = new real.GatewayAuthenticationError();
    expect(stub.GatewayError.isInstance(plain)).toBe(true);
    expect(stub.GatewayError.isInstance(auth)).toBe(true);
    expect(stub.GatewayAuthenticationError.isInstance(auth)).toBe(true);
    expect(stub.GatewayAuthenticationError.isInstance(plain)).toBe(false);
    expect(stub.GatewayError.isInstance(new Error("x"))).toBe(false);
    expect(stub.GatewayError.isInstance(null)).toBe(false);
  });

  it("says why when anything would use the gateway", () => {
    expect(() => stub.gateway.languageModel()).toThrow(/not in the browser bundle/);
    expect(() => stub.createGateway()).toThrow(/not in the browser bundle/);
  });

  it("can be looked over without throwing, as React Refresh does with every export under `next dev`", () => {
    for (const value of Object.values(stub)) {
      const target = value as unknown as Record<string, unknown>;
      expect(() => [target.$$typeof, target.prototype, target.name, target.displayName, target.then]).not.toThrow();
    }
  });
});
