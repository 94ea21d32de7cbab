import { Presets, SingleBar } from "cli-progress";
import type { Progress, RunSummary } from "./evaluate-sessions";

/**
 * What the person running `npm run eval` sees: a progress bar on stderr while it
 * works (a line every few seconds when stderr is not a terminal, as in CI), and a
 * summary table at the end on stdout.
 */

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: "[eval] {bar} {value}/{total} sessions | {duration_formatted}",
      // A hidden cursor stays hidden if the run is killed mid-way.
      hideCursor: false,
      clearOnComplete: true,
      // In CI (no TTY) a plain line now and then instead of nothing at all.
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    Presets.shades_classic,
  );
  return { start: (total) => bar.start(total, 0), tick: () => bar.increment(), stop: () => bar.stop() };
}

/** A plain text table: one row per evaluator, the labels it gave and how often. */
export function formatSummary(summary: RunSummary, notes: { judgeSkipped: string | null; judgeExportProblem: string | null }): string {
  const lines: string[] = [];
  const verb = summary.dryRun ? "evaluated (dry run: nothing written)" : "evaluated and written";
  lines.push(`Project "${summary.projectName}": ${summary.evaluated} of ${summary.selected} sessions ${verb}.`);
  if (summary.selected === 0) lines.push("No sessions matched: nothing to do.");

  const rows: string[][] = [["evaluator", "kind", "verdicts", "labels", "skipped", "failed"]];
  for (const [name, tally] of summary.evaluators) {
    const total = [...tally.labels.values()].reduce((a, b) => a + b, 0);
    const labels = [...tally.labels].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label, n]) => `${label} ${n}`);
    rows.push([name, tally.kind, String(total), labels.join(", ") || "-", String(tally.skipped), String(tally.failed)]);
  }
  if (notes.judgeSkipped) rows.push(["goal_met", "LLM", "-", "(judge skipped)", "-", "-"]);
  lines.push("", ...table(rows));

  if (notes.judgeSkipped) lines.push("", `LLM judge skipped: ${notes.judgeSkipped}. The code evaluators ran.`);
  if (notes.judgeExportProblem) lines.push("", `The judge's traces did not all reach Phoenix: ${notes.judgeExportProblem}`);
  if (summary.stoppedEarly) {
    const left = summary.selected - summary.evaluated - new Set(summary.failures.map((f) => f.sessionId)).size;
    lines.push("", `Stopped early: ${summary.stoppedEarly}`, `${left} sessions were not evaluated; the ${summary.evaluated} before were written.`);
  }
  if (summary.failures.length) {
    // A wrong judge key fails every session the same way: one line per problem, not per session.
    const byProblem = new Map<string, string[]>();
    for (const { sessionId, problem } of summary.failures) byProblem.set(problem, [...(byProblem.get(problem) ?? []), sessionId]);
    lines.push("", `Failures (${summary.failures.length}):`);
    for (const [problem, ids] of byProblem) {
      const which = ids.length === 1 ? `session ${ids[0]}` : `${ids.length} sessions (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", ..." : ""})`;
      lines.push(`  ${which}: ${problem}`);
    }
  }
  return lines.join("\n");
}

/** Every verdict, for --dry-run. */
export function formatVerdicts(summary: RunSummary): string {
  return summary.verdicts
    .map(({ sessionId, evaluator, verdict }) => {
      const score = verdict.score === null ? "" : ` (${verdict.score})`;
      return `${sessionId}  ${evaluator}: ${verdict.label}${score}  ${verdict.explanation}`;
    })
    .join("\n");
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
}
