import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";

/**
 * The README's "Deploy with Vercel" button asks for the variables a deployment needs.
 * It must ask for every one the config table (docs/configuration.md) marks as required on
 * Vercel, and those must be enough for a production server to start.
 */
const readme = readFileSync("README.md", "utf8");
const configTable = readFileSync("docs/configuration.md", "utf8");

function deployButton(): URL {
  const match = readme.match(/\[!\[Deploy with Vercel\]\(https:\/\/vercel\.com\/button\)\]\((https:\/\/vercel\.com\/new\/clone\?[^)\s]+)\)/);
  if (!match) throw new Error("README.md has no Deploy with Vercel button");
  return new URL(match[1]!);
}

/** Variables whose row in the Configuration table is marked "**Vercel: required**". */
function markedRequired(): string[] {
  return [...configTable.matchAll(/^\| `([A-Z_]+)`<br>\*\*Vercel: required\*\*/gm)].map((match) => match[1]!);
}

describe("the README's Deploy with Vercel button", () => {
  it("asks for exactly the variables the config table marks as required on Vercel, and describes each", () => {
    const url = deployButton();
    const asked = url.searchParams.get("env")?.split(",") ?? [];
    expect(asked).toEqual(["SESSION_SECRET", "PHOENIX_COLLECTOR_ENDPOINT", "PHOENIX_API_KEY"]);
    expect(markedRequired().sort()).toEqual([...asked].sort());
    const description = url.searchParams.get("envDescription") ?? "";
    for (const name of asked) expect(description).toContain(name);
    expect(description).toContain("https://app.phoenix.arize.com/s/");
  });

  it("clones a GitHub repository and links back to its deploy instructions (docs/deploying.md)", () => {
    const url = deployButton();
    const repository = url.searchParams.get("repository-url") ?? "";
    expect(repository).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(url.searchParams.get("envLink")).toBe(`${repository}/blob/main/docs/deploying.md#deploy-to-vercel`);
  });

  it("asks for enough to start a production server (and SESSION_SECRET is what it cannot start without)", () => {
    const answers = {
      NODE_ENV: "production",
      SESSION_SECRET: "x".repeat(44),
      PHOENIX_COLLECTOR_ENDPOINT: "https://app.phoenix.arize.com/s/your-space",
      PHOENIX_API_KEY: "phoenix-api-key",
    };
    const config = parseConfig(answers);
    expect(config.phoenix).toMatchObject({
      collectorEndpoint: "https://app.phoenix.arize.com/s/your-space",
      apiKey: "phoenix-api-key",
      uiUrl: "https://app.phoenix.arize.com/s/your-space",
    });
    expect(() => parseConfig({ ...answers, SESSION_SECRET: undefined })).toThrow(/SESSION_SECRET is not set/);
  });
});
