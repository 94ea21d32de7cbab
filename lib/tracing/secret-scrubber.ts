/**
 * Removes secrets from text before it is logged or recorded on a span. A provider
 * error often echoes the key it was given ("Incorrect API key provided: sk-proj-...");
 * recorded verbatim, the key would reach Phoenix in the span's exception event and
 * status message, and the server log.
 *
 * Two rules:
 * - the exact values you pass (your OPENAI_API_KEY, PHOENIX_API_KEY, ...), wherever they appear;
 * - anything shaped like a key: `sk-...` / `pk-...` style keys, `Bearer <token>`,
 *   and long opaque tokens that mix letters and digits.
 *
 * What it leaves alone, on purpose: UUIDs, trace and span ids (hex), numbers, words,
 * URLs' ordinary paths. A scrubber that eats ids makes traces useless.
 */

export const SCRUBBED = "[REDACTED]";

/** A function that returns `text` with every secret replaced by `[REDACTED]`. */
export type SecretScrubber = (text: string) => string;

/**
 * Shorter exact values are ignored: scrubbing "abc" everywhere would mangle ordinary text.
 * So shorter text holds no secret (key-shaped ones are longer still) and is returned as is.
 */
const MIN_SECRET_LENGTH = 8;

const KEY_SHAPED: RegExp[] = [
  // `Authorization: Bearer <token>` and `Bearer <token>` anywhere.
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  // Prefixed keys: OpenAI `sk-...`, `sk-proj-...`, Stripe-like `pk_live_...`, Anthropic `sk-ant-...`.
  /\b(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}/g,
  // GitHub, Slack, AWS access key ids, Google API keys.
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,})/g,
];

/**
 * A long token of key characters (base64url: letters, digits, `_`, `-`), 32 to 256 long,
 * replaced only if it mixes upper case, lower case and digits. Hex ids (trace ids, span
 * ids, hashes) and UUIDs have no upper case and pass untouched; so do paths (a `/` splits
 * them) and base64 images (thousands of characters long, past the upper bound). `key=<token>` is caught.
 */
const LONG_TOKEN = /(?<![A-Za-z0-9_+/-])[A-Za-z0-9_-]{32,256}(?![A-Za-z0-9_+/=-])/g;

function looksLikeKey(token: string): boolean {
  return /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token);
}

/**
 * What every key-shaped rule above needs in order to match: the start of a prefixed form,
 * or a run of 32 key characters (tried only where a run starts, so each character is
 * looked at about once). Ordinary text, a whole 50 KB history included, fails both in two
 * quick scans, and the four rules run only on text that could hold a key.
 */
const MAYBE_PREFIXED_KEY = /Bearer\s|\b(?:sk|pk|rk)[-_]|\bgh[pousr]_|\bxox[abprs]-|\bAKIA|\bAIza/;
const MAYBE_LONG_TOKEN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}/;

/** Replaces the given secrets and anything key-shaped in `text`. Pure; for one-off calls. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  return createSecretScrubber(secrets)(text);
}

/**
 * Builds a scrubber once (the exact values are sorted longest first, so a key that
 * contains another is removed whole). Empty, missing and short values are skipped.
 */
export function createSecretScrubber(secrets: ReadonlyArray<string | undefined> = []): SecretScrubber {
  const exact = [...new Set(secrets.map((s) => s?.trim() ?? "").filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    if (typeof text !== "string" || text.length < MIN_SECRET_LENGTH) return text;
    let result = text;
    for (const secret of exact) if (result.includes(secret)) result = result.split(secret).join(SCRUBBED);
    if (!MAYBE_PREFIXED_KEY.test(result) && !MAYBE_LONG_TOKEN.test(result)) return result;
    for (const pattern of KEY_SHAPED) result = result.replace(pattern, SCRUBBED);
    return result.replace(LONG_TOKEN, (token) => (looksLikeKey(token) ? SCRUBBED : token));
  };
}
