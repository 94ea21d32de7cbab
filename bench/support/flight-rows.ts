/**
 * Reads what a Server Action answers over HTTP: React's Flight rows
 * (`text/x-component`). Enough of the format for the benchmarks' clients, which
 * must tell a finished turn from a failed one without a browser:
 *
 *   0:{"a":"$@1",...}        the action's envelope; "$@1" = the result is row 1
 *   2:R                      row 2 is a ReadableStream...
 *   1:{"ok":true,"stream":"$2",...}
 *   2:{"type":"start",...}   ...each of its chunks a row with the same id
 *   2:C                      ...closed (E: errored)
 *
 * A long string may come as its own row, `3:T<hex byte length>,<text>`, with no
 * newline after it: the length is in bytes, so rows are cut from the bytes, not
 * from the decoded text (a cut by characters goes wrong on the first emoji).
 */

export type FlightRow = { id: string; tag: string; value: string };

export function flightRows(body: Uint8Array): FlightRow[] {
  const rows: FlightRow[] = [];
  const decoder = new TextDecoder();
  let at = 0;
  while (at < body.length) {
    const colon = body.indexOf(0x3a, at);
    if (colon < 0) break;
    const id = decoder.decode(body.subarray(at, colon));
    const first = body[colon + 1];
    if (first === 0x54 /* T */) {
      const comma = body.indexOf(0x2c, colon + 2);
      const length = Number.parseInt(decoder.decode(body.subarray(colon + 2, comma)), 16);
      rows.push({ id, tag: "T", value: decoder.decode(body.subarray(comma + 1, comma + 1 + length)) });
      at = comma + 1 + length;
      continue;
    }
    let end = body.indexOf(0x0a, colon + 1);
    if (end < 0) end = body.length;
    const line = decoder.decode(body.subarray(colon + 1, end));
    // A tag is one letter before the row's JSON (R, C, E, I, H, D...); JSON starts with { [ " or a digit.
    const tagged = /^[A-Za-z]/.test(line) && !/^(true|false|null)$/.test(line);
    rows.push({ id, tag: tagged ? line[0]! : "", value: tagged ? line.slice(1) : line });
    at = end + 1;
  }
  return rows;
}

/** A row's JSON, with React's references to other rows ("$3" a text row, "$undefined", "$$" an escaped "$") resolved. */
export function rowValue(rows: FlightRow[], id: string): unknown {
  const row = rows.find((r) => r.id === id && (r.tag === "" || r.tag === "T"));
  if (!row) return undefined;
  if (row.tag === "T") return row.value;
  return resolve(JSON.parse(row.value), rows);
}

/** The chunks a streamed row carried, and how the stream ended. */
export function streamChunks(rows: FlightRow[], id: string): { chunks: unknown[]; ended: "closed" | "errored" | "cut off" } {
  const chunks: unknown[] = [];
  let ended: "closed" | "errored" | "cut off" = "cut off";
  for (const row of rows) {
    if (row.id !== id) continue;
    if (row.tag === "") chunks.push(resolve(JSON.parse(row.value), rows));
    else if (row.tag === "C") ended = "closed";
    else if (row.tag === "E") ended = "errored";
  }
  return { chunks, ended };
}

function resolve(value: unknown, rows: FlightRow[]): unknown {
  if (typeof value === "string" && value.startsWith("$")) {
    if (value === "$undefined") return undefined;
    if (value.startsWith("$$")) return value.slice(1);
    // A stream reference ("$2") stays a reference: its chunks are read with streamChunks.
    const text = rows.find((r) => r.id === value.slice(1) && r.tag === "T");
    return text ? text.value : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, rows));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, rows)]));
  }
  return value;
}
