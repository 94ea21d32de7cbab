/**
 * Whether a `text/plain` Server Action body is one React's decoder can read without
 * throwing: what `encodeReply` (React 19) sends for plain arguments.
 *
 * That is one JSON array. In it, a string starting with "$" is a reference for the
 * decoder, and plain data only ever produces:
 * - the escape "$$" (a string that really starts with "$");
 * - value tags: undefined, NaN, ±Infinity, -0, "$D" dates, "$n" bigints;
 * - "$T": a value that stays on the client (a temporary reference);
 * - "$0:key:key": a path into the array itself, for an object sent twice.
 * Every other tag ("$Q1" a Map, "$@2" a promise, "$B3" a blob...) points at a part of a
 * multipart body; in a text body the decoder throws, and Next logs a stack trace. A path
 * that leads nowhere throws too ("Invalid reference"). If a React upgrade adds a tag
 * for plain data, the chat's browser tests fail here first.
 */
const PLAIN_VALUE_TAG = /^\$(?:\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|T$|D|n-?\d+$)/;
const ROOT_PATH = /^\$0(?::|$)/;
/** Far deeper than any chat message; a hostile body cannot make the check recurse without end. */
const MAX_DEPTH = 100;

export function isPlainActionReply(body: string): boolean {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    return false;
  }
  if (!Array.isArray(root)) return false;
  const pending: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === "string" && value.startsWith("$")) {
      if (ROOT_PATH.test(value) ? !pathExists(root, value) : !PLAIN_VALUE_TAG.test(value)) return false;
    } else if (typeof value === "object" && value !== null) {
      if (depth >= MAX_DEPTH) return false;
      for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return true;
}

/** "$0:2:parts" names root[2].parts: every step must be an own key of an object or array. */
function pathExists(root: unknown, reference: string): boolean {
  let node = root;
  for (const key of reference.split(":").slice(1)) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}
