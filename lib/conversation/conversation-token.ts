import "server-only";
import { randomUUID } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import { passwordMap, secretId } from "./secret-ids";

/**
 * Ownership of a conversation without a database. When a conversation starts the
 * server seals `{ sessionId, userId }` with the app's session secrets and hands the
 * browser that token; every later turn, Stop and vote carries it back. The server
 * unseals it, checks its user against the cookie's, and uses the token's session id:
 * a session id the browser merely asserts is never used.
 *
 * No expiry: a conversation lasts as long as the secret that sealed it is listed in
 * SESSION_SECRET (iron seals carry no expiry when sealed with ttl 0). Dropping an old
 * secret is how an operator ends every conversation it sealed.
 */

export type ConversationClaims = { sessionId: string; userId: string };

export type OpenedConversation =
  | {
      ok: true;
      sessionId: string;
      /** the same token, or re-sealed with the newest secret when an older one sealed it */
      token: string;
      resealed: boolean;
    }
  | { ok: false; code: "bad_request:conversation" | "forbidden:conversation" };

export type OpenedReceipt = { ok: true; traceId: string } | { ok: false; code: "bad_request:feedback" | "forbidden:feedback" };

// iron seals are ~300 characters for these claims; anything far longer is not ours.
const MAX_SEAL_LENGTH = 2_048;
// ttl 0 = the seal carries no expiry (iron-session's default would be 14 days).
const NO_EXPIRY = 0;

// `typ` keeps one kind of seal from passing as another: the cookie, a conversation
// token and a turn receipt are all sealed with the same secrets.
const ConversationSealSchema = z.object({
  typ: z.literal("conversation"),
  v: z.literal(1),
  sessionId: z.uuid(),
  userId: z.uuid(),
  /** When the conversation started (ms since the epoch); kept across re-seals. */
  iat: z.number().int().nonnegative(),
});
type ConversationSeal = z.infer<typeof ConversationSealSchema>;

const TraceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "an OpenTelemetry trace id: 32 lowercase hex digits")
  .refine((id) => !/^0+$/.test(id), "the all-zero trace id is invalid");

const ReceiptSealSchema = z.object({
  typ: z.literal("turn-receipt"),
  v: z.literal(1),
  traceId: TraceIdSchema,
  sessionId: z.uuid(),
  userId: z.uuid(),
  iat: z.number().int().nonnegative(),
});

const ClaimsSchema = z.object({ sessionId: z.uuid(), userId: z.uuid() });
const ReceiptClaimsSchema = ClaimsSchema.extend({ traceId: TraceIdSchema });

export async function sealConversationToken(claims: ConversationClaims, secrets: readonly string[]): Promise<string> {
  const { sessionId, userId } = ClaimsSchema.parse(claims);
  return sealNewest({ typ: "conversation", v: 1, sessionId, userId, iat: Date.now() }, secrets);
}

/** A new conversation of this user: a session id only the server mints, and the token that proves it is theirs. */
export async function startConversation(
  userId: string,
  secrets: readonly string[],
): Promise<{ sessionId: string; token: string }> {
  const sessionId = randomUUID();
  return { sessionId, token: await sealConversationToken({ sessionId, userId }, secrets) };
}

/** Never throws for a bad token: every way a token can be wrong is a typed result. */
export async function openConversationToken(
  token: unknown,
  expectedUserId: string,
  secrets: readonly string[],
): Promise<OpenedConversation> {
  const opened = await openSeal(token, secrets, ConversationSealSchema);
  if (!opened) return { ok: false, code: "bad_request:conversation" };
  const { claims, sealedByNewest } = opened;
  if (claims.userId !== expectedUserId) return { ok: false, code: "forbidden:conversation" };
  if (sealedByNewest) return { ok: true, sessionId: claims.sessionId, token: token as string, resealed: false };
  // Rotation: an older secret still listed opened it; hand back a seal of the newest, so
  // the browser's copy keeps working after that old secret is dropped.
  const resealed = await sealNewest(claims satisfies ConversationSeal, secrets);
  return { ok: true, sessionId: claims.sessionId, token: resealed, resealed: true };
}

/**
 * Proof that a trace belongs to a conversation, sealed into the assistant message's
 * metadata when the turn starts. Feedback on that trace is accepted only with a receipt
 * that opens and names the caller's conversation and user: a trace id alone is a guess.
 */
export async function sealTurnReceipt(
  r: { traceId: string; sessionId: string; userId: string },
  secrets: readonly string[],
): Promise<string> {
  const { traceId, sessionId, userId } = ReceiptClaimsSchema.parse(r);
  return sealNewest({ typ: "turn-receipt", v: 1, traceId, sessionId, userId, iat: Date.now() }, secrets);
}

export async function openTurnReceipt(
  receipt: unknown,
  expected: { sessionId: string; userId: string },
  secrets: readonly string[],
): Promise<OpenedReceipt> {
  const opened = await openSeal(receipt, secrets, ReceiptSealSchema);
  if (!opened) return { ok: false, code: "bad_request:feedback" };
  const { claims } = opened;
  // Both must match: a receipt from another conversation of the same user is as foreign
  // as one from another user.
  if (claims.userId !== expected.userId || claims.sessionId !== expected.sessionId) {
    return { ok: false, code: "forbidden:feedback" };
  }
  return { ok: true, traceId: claims.traceId };
}

async function sealNewest(payload: object, secrets: readonly string[]): Promise<string> {
  // iron-session seals with the highest id in the map; hand it only the newest secret.
  return sealData(payload, { password: passwordMap(newestOnly(secrets)), ttl: NO_EXPIRY });
}

async function openSeal<T>(
  seal: unknown,
  secrets: readonly string[],
  schema: z.ZodType<T>,
): Promise<{ claims: T; sealedByNewest: boolean } | null> {
  // No secrets is the server's misconfiguration, not a bad token: let it throw.
  const newestId = String(secretId(newestOnly(secrets)[0]!));
  if (typeof seal !== "string" || seal.length === 0 || seal.length > MAX_SEAL_LENGTH) return null;
  let data: unknown;
  try {
    // unsealData already turns a bad MAC, an unknown password id or garbage into `{}`;
    // the try is for anything it might still throw on input we have not imagined.
    data = await unsealData<unknown>(seal, { password: passwordMap(secrets), ttl: NO_EXPIRY });
  } catch {
    return null;
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) return null;
  return { claims: parsed.data, sealedByNewest: sealPasswordId(seal) === newestId };
}

/**
 * An iron seal reads `Fe26.2*<password id>*...`. The id sits under the seal's MAC, so
 * once the seal has opened it is trustworthy.
 */
function sealPasswordId(seal: string): string | undefined {
  return seal.split("*", 3)[1];
}

function newestOnly(secrets: readonly string[]): string[] {
  if (secrets.length === 0) throw new Error("at least one session secret is required");
  return secrets.slice(0, 1);
}
