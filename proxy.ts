import { nextProxyCookies } from "iron-session";
import { NextResponse, type NextRequest } from "next/server";
import { loadConfig } from "@/lib/config";
import { isSecureOrigin, mintSession, openSession } from "@/lib/session/chat-session";
import { regionFromHeaders } from "@/lib/session/region";

/**
 * Every page and Server Action request passes here first, so the page can show
 * the session id on the very first visit. Saving on each pass re-seals the
 * cookie with the newest secret (rotation) and slides its expiry.
 */
export async function proxy(request: NextRequest) {
  const config = loadConfig();
  const response = NextResponse.next();
  const secure = isSecureOrigin(request.nextUrl.protocol, request.nextUrl.hostname);
  const opened = await openSession(nextProxyCookies(request, response), { secrets: config.sessionSecrets, secure });

  const region = regionFromHeaders(request.headers, config.onVercel, opened.current?.region ?? config.defaultRegion);
  await opened.save(opened.current ? { ...opened.current, region } : mintSession(region));
  return response;
}

export const config = {
  // Pages and actions only: not static assets, not metadata files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt|sitemap.xml).*)"],
};
