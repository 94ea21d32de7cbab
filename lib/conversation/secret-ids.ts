import "server-only";
import { createHash } from "node:crypto";

/**
 * iron-session writes a password id into every seal and unseals by looking it up.
 * Ids by position in SESSION_SECRET would change when an old secret is dropped and
 * break every token sealed since; an id derived from the secret itself stays put.
 * The visitor cookie (lib/identity/visitor.ts) and the conversation tokens both use it, so one
 * SESSION_SECRET list rotates both the same way.
 */
export function passwordMap(secrets: readonly string[]): Record<string, string> {
  if (secrets.length === 0) throw new Error("at least one session secret is required");
  return Object.fromEntries(secrets.map((secret) => [String(secretId(secret)), secret]));
}

/** iron-session wants numeric ids: 32 bits of the secret's hash, stable wherever it sits in the list. */
export function secretId(secret: string): number {
  return Number.parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 8), 16) + 1;
}
