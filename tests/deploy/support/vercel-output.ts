import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";

/**
 * Reads `.vercel/output` (Vercel's Build Output API v3) as a deployment would:
 * the functions with their `.vc-config.json`, and every file a deployment ships.
 */

export type VcConfig = {
  runtime?: string;
  handler?: string;
  launcherType?: string;
  supportsResponseStreaming?: boolean;
  /** Output path -> the project file it ships (a local `vercel build` references files instead of copying them). */
  filePathMap?: Record<string, string>;
};

export type VercelFunction = { name: string; dir: string; config: VcConfig };

/** Every `*.func` directory under `functions/`, named by its route path (`index`, `api/x`...). */
export function listFunctions(outputDir: string): VercelFunction[] {
  const root = join(outputDir, "functions");
  const found: VercelFunction[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name.endsWith(".func")) {
        const config = JSON.parse(readFileSync(join(path, ".vc-config.json"), "utf8")) as VcConfig;
        found.push({ name: relative(root, path).replace(/\.func$/, ""), dir: path, config });
      } else walk(path);
    }
  };
  walk(root);
  return found;
}

/**
 * Every file a deployment of this output would contain: all of `.vercel/output`
 * (static assets, configs, launchers) and each function's referenced project files.
 */
export function shippedFiles(projectDir: string, outputDir: string, functions: VercelFunction[]): { files: string[]; missing: string[] } {
  const files = new Set<string>(allFiles(outputDir));
  const missing: string[] = [];
  for (const fn of functions) {
    for (const source of Object.values(fn.config.filePathMap ?? {})) {
      const path = isAbsolute(source) ? source : join(projectDir, source);
      if (existsSync(path)) files.add(path);
      else missing.push(`${fn.name}: ${source}`);
    }
  }
  return { files: [...files], missing };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
