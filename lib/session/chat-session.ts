import "server-only";
import { randomUUID } from "node:crypto";
import { getIronSession, type CookieJar, type CookieStore, type SessionOptions } from "iron-session";
import { z } from "zod";

/**
 * The identity of a chat, sealed in an encrypted cookie. The server mints every
 * id; nothing the browser sends in a request body ever decides who you are.
 */

export const TIERS = ["free", "pro"] as const;
export type Tier = (typeof TIERS)[number];

export const ChatSessionSchema = z.object({
  sessionId: z.uuid(),
  userId: z.uuid(),
  tier: z.enum(TIERS),
  region: z.string().min(1).max(64),
});
export type ChatSession = z.infer<typeof ChatSessionSchema>;

export const SESSION_COOKIE_NAME = "chat_session";
const THIRTY_DAYS_IN_SECONDS = 60 * 60 * 24 * 30;

/** Newest secret first in config; iron-session seals with the highest key. */
export function sessionOptions(secrets: readonly string[], secure: boolean): SessionOptions {
  if (secrets.length === 0) throw new Error("at least one session secret is required");
  const password = Object.fromEntries(secrets.map((secret, index) => [String(secrets.length - index), secret]));
  return {
    cookieName: SESSION_COOKIE_NAME,
    password,
    ttl: THIRTY_DAYS_IN_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure, path: "/" },
    onUnsealError: (reason) => {
      // Expiry is how sessions end; anything else is worth a line in the logs.
      if (reason !== "expired") console.warn(`[session] cookie rejected (${reason}); starting a fresh session`);
    },
  };
}

/** Browsers keep Secure cookies off plain http, except that localhost is allowed to be plain http. */
export function isSecureOrigin(protocol: string, hostname: string): boolean {
  const plainHttp = protocol.replace(/:$/, "") === "http";
  const loopback = hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname === "::1";
  return !(plainHttp && loopback);
}

export function mintSession(region: string, previous?: Pick<ChatSession, "userId" | "tier">): ChatSession {
  return {
    sessionId: randomUUID(),
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

/** Reads the cookie (any rotation secret) and offers a save that always seals with the newest. */
export async function openSession(cookies: CookieStore | CookieJar, options: SessionOptions): Promise<OpenedSession> {
  const session = await getIronSession<ChatSession>(cookies, options);
  const parsed = ChatSessionSchema.safeParse({ ...session });
  return {
    current: parsed.success ? parsed.data : null,
    save: async (next) => {
      const valid = ChatSessionSchema.parse(next);
      Object.assign(session, valid);
      await session.save();
    },
  };
}
