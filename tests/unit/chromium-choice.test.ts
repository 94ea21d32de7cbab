import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { chosenChromium } from "../e2e/support/chromium";

/** Which Chromium the tests drive (tests/e2e/support/chromium.ts): the lightest one there is. */
describe("chosenChromium", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A directory holding executables with these names, for PATH. */
  function binWith(...names: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), "chromium-choice-"));
    dirs.push(dir);
    for (const name of names) {
      writeFileSync(join(dir, name), "#!/bin/sh\n");
      chmodSync(join(dir, name), 0o755);
    }
    return dir;
  }

  it("prefers the headless shell on PATH to the whole browser, wherever each is", () => {
    const browser = binWith("chromium");
    const shell = binWith("chromium-headless-shell");
    expect(chosenChromium({ PATH: `${browser}:${shell}` })).toEqual({ source: "PATH", executablePath: join(shell, "chromium-headless-shell") });
  });

  it("takes chromium, then chromium-browser, when there is no headless shell", () => {
    expect(chosenChromium({ PATH: binWith("chromium-browser", "chromium") })).toMatchObject({ executablePath: expect.stringMatching(/\/chromium$/) });
    expect(chosenChromium({ PATH: binWith("chromium-browser") })).toMatchObject({ executablePath: expect.stringMatching(/\/chromium-browser$/) });
  });

  it("CHROMIUM_PATH wins; with none at all it is Playwright's own", () => {
    const shell = binWith("chromium-headless-shell");
    expect(chosenChromium({ PATH: shell, CHROMIUM_PATH: "/opt/chrome" })).toEqual({ source: "CHROMIUM_PATH", executablePath: "/opt/chrome" });
    expect(chosenChromium({ PATH: binWith() })).toEqual({ source: "playwright", executablePath: undefined });
  });

  it("skips a file that is not executable", () => {
    const dir = binWith();
    writeFileSync(join(dir, "chromium-headless-shell"), "");
    expect(chosenChromium({ PATH: `${dir}:${binWith("chromium")}` })).toMatchObject({ executablePath: expect.stringMatching(/\/chromium$/) });
  });
});
