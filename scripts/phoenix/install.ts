import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * A Python venv with the pinned Arize Phoenix. It lives in the user's cache, not
 * the clone, so `npm run phoenix`, the browser tests and every fresh clone on one
 * machine share one install.
 */

export const PHOENIX_VERSION = "20.26.1";

/** The Pythons arize-phoenix supports (its wheels' `Requires-Python`). */
export const PYTHON_RANGE = { min: 10, max: 14 } as const;
const PYTHON_RANGE_TEXT = `Python 3.${PYTHON_RANGE.min} to 3.${PYTHON_RANGE.max}`;

export class PhoenixInstallError extends Error {
  override name = "PhoenixInstallError";
}

export function phoenixVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return env.PHOENIX_VENV || join(cacheRoot, "phoenix-session-chat", `phoenix-${PHOENIX_VERSION}`);
}

const binDir = (venv: string) => join(venv, process.platform === "win32" ? "Scripts" : "bin");

/** The `phoenix` executable when the pinned version is installed, else undefined. */
export function installedPhoenix(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const venv = phoenixVenvDir(env);
  const phoenix = join(binDir(venv), "phoenix");
  const marker = join(venv, ".installed-version");
  const ok = existsSync(phoenix) && existsSync(marker) && readFileSync(marker, "utf8").trim() === PHOENIX_VERSION;
  return ok ? phoenix : undefined;
}

/** Returns the path of the `phoenix` executable, installing it first when needed. */
export function ensurePhoenixInstalled(env: NodeJS.ProcessEnv = process.env): string {
  const ready = installedPhoenix(env);
  if (ready) return ready;

  const python = findPython(env);
  const venv = phoenixVenvDir(env);
  console.log(`[phoenix] installing arize-phoenix==${PHOENIX_VERSION} into ${venv} with ${python.command} (${python.version}); once per machine, a few minutes`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  try {
    execFileSync(python.command, ["-m", "venv", venv], { stdio: "inherit" });
    execFileSync(
      join(binDir(venv), "python"),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `arize-phoenix==${PHOENIX_VERSION}`],
      { stdio: "inherit" },
    );
  } catch (error) {
    // A half-built venv would look installed to nobody (no marker), but would waste the next run's time.
    rmSync(venv, { recursive: true, force: true });
    throw new PhoenixInstallError(
      `Could not install arize-phoenix==${PHOENIX_VERSION} into ${venv} (${(error as Error).message.split("\n")[0]}). ` +
        "Check that PyPI is reachable (pip's output is above), then run the command again.",
    );
  }
  // Written last: an interrupted install (Ctrl-C) leaves no marker and is redone next time.
  writeFileSync(join(venv, ".installed-version"), PHOENIX_VERSION);
  return join(binDir(venv), "phoenix");
}

export type PythonFound = { command: string; version: string };

/**
 * The first supported Python with a working `venv` (Debian ships `venv` without
 * `ensurepip` unless python3-venv is installed, and then `python -m venv` fails
 * halfway). Versioned names come after `python3` because macOS's `python3` is often
 * Apple's old 3.9 while Homebrew's `python3.12` sits next to it.
 */
export function findPython(env: NodeJS.ProcessEnv = process.env): PythonFound {
  const candidates = [env.PYTHON, "python3", "python"];
  for (let minor = PYTHON_RANGE.max; minor >= PYTHON_RANGE.min; minor--) candidates.push(`python3.${minor}`);
  const tried: string[] = [];
  for (const command of new Set(candidates)) {
    if (!command) continue;
    const probe = spawnSync(
      command,
      ["-c", "import sys; print('%d.%d' % sys.version_info[:2]); import venv, ensurepip"],
      { encoding: "utf8", env, timeout: 10_000 },
    );
    if (probe.error) {
      if (command === env.PYTHON) tried.push(`PYTHON=${command}: not found`);
      continue;
    }
    const version = probe.stdout.trim().split("\n")[0] ?? "";
    const [major, minor] = version.split(".").map(Number);
    const supported = major === 3 && minor !== undefined && minor >= PYTHON_RANGE.min && minor <= PYTHON_RANGE.max;
    if (!supported) tried.push(`${command}: ${version || "unknown version"}, not supported`);
    else if (probe.status !== 0) tried.push(`${command}: ${version}, but without its venv module (ensurepip)`);
    else return { command, version };
  }
  throw new PhoenixInstallError(pythonMissingMessage(tried));
}

function pythonMissingMessage(tried: string[]): string {
  return [
    `Phoenix needs ${PYTHON_RANGE_TEXT} with its venv module, and none was found.`,
    tried.length > 0 ? `Found: ${tried.join("; ")}.` : "No python3 or python is on PATH.",
    "Install one, then run the command again:",
    "  Debian/Ubuntu:  sudo apt-get install -y python3 python3-venv",
    "  macOS:          brew install python@3.12",
    "  Windows, other: https://www.python.org/downloads/ (3.12 is a good choice)",
    "Or point PYTHON at one you have: PYTHON=/path/to/python3.12",
  ].join("\n");
}
