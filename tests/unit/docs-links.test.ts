import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every relative link and anchor in README.md and docs/ resolves: the file exists, and an
 * anchor names a heading of that file (as GitHub makes anchors from headings). Moving a
 * section between files breaks nothing a reader clicks.
 */

const FILES = ["README.md", ...readdirSync("docs").filter((name) => name.endsWith(".md")).map((name) => join("docs", name))];

/** Text a reader sees as Markdown: fenced code blocks and inline code left out. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, "");
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = heading!
      .replace(/<[^>]+>/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

describe("links in README.md and docs/", () => {
  it("finds the files to check", () => {
    expect(FILES.length).toBeGreaterThan(5);
  });

  it("computes anchors as GitHub does", () => {
    const anchors = anchorsOf("# Why `@vercel/otel` rather than `register()`\n## Abuse and cost\n## Abuse and cost\n```\n# not a heading\n```");
    expect([...anchors]).toEqual(["why-vercelotel-rather-than-register", "abuse-and-cost", "abuse-and-cost-1"]);
  });

  for (const file of FILES) {
    it(`${file}: every relative link and anchor resolves`, () => {
      const text = readFileSync(file, "utf8");
      const broken: string[] = [];
      for (const link of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path === "" ? file : join(dirname(file), decodeURIComponent(path));
        if (!existsSync(target)) {
          broken.push(`${link}: no file ${relative(".", target)}`);
          continue;
        }
        if (anchor !== undefined && target.endsWith(".md") && !anchorsOf(readFileSync(target, "utf8")).has(anchor)) {
          broken.push(`${link}: no heading #${anchor} in ${relative(".", target)}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
