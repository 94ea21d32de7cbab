import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * A Python venv with the pinned Arize Phoenix. It lives in the user's cache, not
 * the clone, so every fresh clone on one machine shares one install.
 */

export const PHOENIX_VERSION = "20.26.1";

export function phoenixVenvDir(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return process.env.PHOENIX_VENV || join(cacheRoot, "phoenix-session-chat", `phoenix-${PHOENIX_VERSION}`);
}

/** Returns the path of the `phoenix` executable, installing it first when needed. */
export function ensurePhoenixInstalled(): string {
  const venv = phoenixVenvDir();
  const phoenix = join(venv, "bin", "phoenix");
  const marker = join(venv, ".installed-version");
  if (existsSync(phoenix) && existsSync(marker) && readFileSync(marker, "utf8").trim() === PHOENIX_VERSION) return phoenix;

  const python = findPython();
  console.log(`[phoenix] installing arize-phoenix==${PHOENIX_VERSION} into ${venv} (once per machine, a few minutes)`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  execFileSync(python, ["-m", "venv", venv], { stdio: "inherit" });
  try {
    execFileSync(
      join(venv, "bin", "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `arize-phoenix==${PHOENIX_VERSION}`],
      { stdio: "inherit" },
    );
  } catch (error) {
    rmSync(venv, { recursive: true, force: true });
    throw new Error(`pip could not install arize-phoenix==${PHOENIX_VERSION} (${(error as Error).message}). Check that PyPI is reachable.`);
  }
  writeFileSync(marker, PHOENIX_VERSION);
  return phoenix;
}

function findPython(): string {
  for (const candidate of [process.env.PYTHON, "python3", "python"]) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split(".").map(Number);
    if (major === 3 && minor !== undefined && minor >= 10 && minor <= 14) return candidate;
  }
  throw new Error(
    "The end-to-end tests run a real Phoenix server, which needs Python 3.10-3.14 with the venv module. " +
      "Install it (Debian/Ubuntu: `apt-get install -y python3 python3-venv`; macOS: `brew install python@3.12`) " +
      "or point PYTHON at one, then run the tests again.",
  );
}
