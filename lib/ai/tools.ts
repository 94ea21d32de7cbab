import "server-only";
import { tool } from "ai";
import { z } from "zod";

/**
 * The agent's tools. One is enough to give each turn a real tool step (and a
 * TOOL span in Phoenix); it reads the server's clock, so it needs no network.
 */
export const getCurrentTime = tool({
  description: "Get the current date and time in a time zone.",
  inputSchema: z.object({
    timeZone: z.string().min(1).max(64).describe("An IANA time zone such as Europe/Paris or UTC."),
  }),
  execute: async ({ timeZone }) => {
    let formatter: Intl.DateTimeFormat;
    try {
      formatter = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "full", timeStyle: "short" });
    } catch {
      throw new Error(`Unknown time zone "${timeZone}". Use an IANA name such as Europe/Paris.`);
    }
    const now = new Date();
    return { timeZone, localTime: formatter.format(now), iso: now.toISOString() };
  },
});

export const chatTools = { get_current_time: getCurrentTime };
export type ChatTools = typeof chatTools;
