import { collectorStatus } from "@/lib/phoenix/collector-status";

/**
 * GET: where the traces go and whether the collector answers, for the session panel's
 * poll. A route handler, not a Server Action: a client's actions run one at a time,
 * so a poll would queue behind a streaming answer.
 */
export async function GET() {
  return Response.json(await collectorStatus(), { headers: { "Cache-Control": "no-store" } });
}
