import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { getIronSession, type CookieJar, type CookieStore, type SessionOptions } from "iron-session";
import { z } from "zod";

/**
 * The identity of a chat, sealed in an encrypted cookie. The server mints every
 * id; nothing the browser sends in a request body ever decides who you are.
 * This file seals and unseals; `session-cookie.ts` decides when (and with which
 * Secure flag) the app opens, mints and re-seals it.
 */

export const TIERS = ["free", "pro"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Who you are, and what every turn's spans carry as user id and metadata. No session
 * id: each conversation's token (lib/conversation/) names its own Phoenix session, so
 * tabs and conversations never share one. Round-1 cookies still open (the extra
 * `sessionId` is dropped) and keep their user.
 */
export const ChatSessionSchema = z.object({
  userId: z.uuid(),
  tier: z.enum(TIERS),
  region: z.string().min(1).max(64),
});
export type ChatSession = z.infer<typeof ChatSessionSchema>;

export const SESSION_COOKIE_NAME = "chat_session";
const THIRTY_DAYS_IN_SECONDS = 60 * 60 * 24 * 30;

/**
 * All secrets unseal; `openSession` seals with the first (newest). Each secret gets
 * an id derived from itself, because the id is written into every cookie: ids by
 * position would change when an old secret is dropped, and sign everyone out.
 */
function sessionOptions(secrets: readonly string[], secure: boolean): SessionOptions {
  if (secrets.length === 0) throw new Error("at least one session secret is required");
  return {
    cookieName: SESSION_COOKIE_NAME,
    password: passwordMap(secrets),
    ttl: THIRTY_DAYS_IN_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure, path: "/" },
    onUnsealError: (reason) => {
      // Expiry is how sessions end; anything else is worth a line in the logs.
      if (reason !== "expired") console.warn(`[session] cookie rejected (${reason}); starting a fresh session`);
    },
  };
}

function passwordMap(secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(secrets.map((secret) => [String(secretId(secret)), secret]));
}

/** iron-session wants numeric ids: 32 bits of the secret's hash, stable wherever it sits in the list. */
function secretId(secret: string): number {
  return Number.parseInt(createHash("sha256").update(secret).digest("hex").slice(0, 8), 16) + 1;
}

export function mintSession(region: string, previous?: Pick<ChatSession, "userId" | "tier">): ChatSession {
  return {
    userId: previous?.userId ?? randomUUID(),
    tier: previous?.tier ?? "free",
    region,
  };
}

export type OpenedSession = {
  /** The valid session, or null when the cookie was absent, tampered, expired or malformed. */
  current: ChatSession | null;
  save: (next: ChatSession) => Promise<void>;
};

/**
 * Reads the cookie with any of the secrets (newest first) and offers a save that
 * always seals with the newest.
 */
export async function openSession(
  cookies: CookieStore | CookieJar,
  { secrets, secure }: { secrets: readonly string[]; secure: boolean },
): Promise<OpenedSession> {
  const options = sessionOptions(secrets, secure);
  const session = await getIronSession<ChatSession>(cookies, options);
  const parsed = ChatSessionSchema.safeParse({ ...session });
  return {
    current: parsed.success ? parsed.data : null,
    save: async (next) => {
      const valid = ChatSessionSchema.parse(next);
      Object.assign(session, valid);
      // iron-session seals with the highest id in the map; hand it only the newest secret.
      session.updateConfig({ ...options, password: passwordMap(secrets.slice(0, 1)) });
      await session.save();
    },
  };
}
