import "server-only";
import { randomUUID } from "node:crypto";
import { getIronSession, type CookieJar, type CookieStore, type SessionOptions } from "iron-session";
import { z } from "zod";
import { passwordMap } from "@/lib/conversation/secret-ids";

/**
 * Who is chatting (the visitor), sealed in an encrypted cookie. The server mints every
 * id; nothing the browser sends in a request body ever decides who you are.
 * This file seals and unseals; `visitor-cookie.ts` decides when (and with which
 * Secure flag) the app opens, mints and re-seals it.
 */

export const TIERS = ["free", "pro"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Who you are, and what every turn's spans carry as user id and metadata. No Phoenix
 * session id: each conversation's token (lib/conversation/) names its own session, so
 * tabs and conversations never share one. Round-1 cookies still open (the extra
 * `sessionId` is dropped) and keep their user.
 */
export const VisitorSchema = z.object({
  userId: z.uuid(),
  tier: z.enum(TIERS),
  region: z.string().min(1).max(64),
});
export type Visitor = z.infer<typeof VisitorSchema>;

/** The cookie's name predates the word "visitor": renaming it would sign everyone out. */
export const VISITOR_COOKIE_NAME = "chat_session";
const THIRTY_DAYS_IN_SECONDS = 60 * 60 * 24 * 30;

/**
 * All secrets unseal; `openVisitor` seals with the first (newest). Each secret's id is
 * derived from itself (lib/conversation/secret-ids.ts, shared with the conversation
 * tokens), because the id is written into every cookie: ids by position would change
 * when an old secret is dropped, and sign everyone out.
 */
function cookieOptions(secrets: readonly string[], secure: boolean): SessionOptions {
  return {
    cookieName: VISITOR_COOKIE_NAME,
    password: passwordMap(secrets),
    ttl: THIRTY_DAYS_IN_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure, path: "/" },
    onUnsealError: (reason) => {
      // Expiry is how a visitor's cookie ends; anything else is worth a line in the logs.
      if (reason !== "expired") console.warn(`[visitor] cookie rejected (${reason}); the next page load mints a new visitor`);
    },
  };
}

export function mintVisitor(region: string, previous?: Pick<Visitor, "userId" | "tier">): Visitor {
  return {
    userId: previous?.userId ?? randomUUID(),
    tier: previous?.tier ?? "free",
    region,
  };
}

export type OpenedVisitor = {
  /** The valid visitor, or null when the cookie was absent, tampered, expired or malformed. */
  current: Visitor | null;
  save: (next: Visitor) => Promise<void>;
};

/**
 * Reads the cookie with any of the secrets (newest first) and offers a save that
 * always seals with the newest.
 */
export async function openVisitor(
  cookies: CookieStore | CookieJar,
  { secrets, secure }: { secrets: readonly string[]; secure: boolean },
): Promise<OpenedVisitor> {
  const options = cookieOptions(secrets, secure);
  // iron-session calls what it seals a "session"; here it holds a visitor.
  const sealed = await getIronSession<Visitor>(cookies, options);
  const parsed = VisitorSchema.safeParse({ ...sealed });
  return {
    current: parsed.success ? parsed.data : null,
    save: async (next) => {
      const valid = VisitorSchema.parse(next);
      Object.assign(sealed, valid);
      // iron-session seals with the highest id in the map; hand it only the newest secret.
      sealed.updateConfig({ ...options, password: passwordMap(secrets.slice(0, 1)) });
      await sealed.save();
    },
  };
}
