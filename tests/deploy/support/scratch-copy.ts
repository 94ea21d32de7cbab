import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A throwaway copy of the repository to build in, so a build writes nothing into
 * the working tree (no `.next/`, no `.vercel/`).
 *
 * - The files are what git would push: tracked and untracked-but-not-ignored, so a
 *   developer's `.env.local` or old build output never leaks into the build.
 * - `node_modules` is hard-linked, file by file: instant and no extra disk. It cannot
 *   be a symlink: Turbopack refuses a `node_modules` that resolves outside the project
 *   root ("Could not find the Next.js package"). Where hard links are impossible (another
 *   file system) files are copied.
 */
export function makeScratchCopy(repoRoot: string, target: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    const source = join(repoRoot, file);
    if (!existsSync(source)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(source, join(target, file));
  }
  linkTree(join(repoRoot, "node_modules"), join(target, "node_modules"));
}

function linkTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    // npm's .bin links are relative: the same target resolves inside the copy.
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (lstatSync(from).isFile()) hardLinkOrCopy(from, to);
  }
}

function hardLinkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV" && (error as NodeJS.ErrnoException).code !== "EPERM") throw error;
    copyFileSync(from, to);
  }
}
