import "server-only";

/**
 * Vercel sets `x-vercel-ip-country` (and `-region`) on every request it routes.
 * Anywhere else a client could send those headers itself, so they count only
 * when the app runs on Vercel.
 */
export function regionFromHeaders(headers: Headers, onVercel: boolean, fallback: string): string {
  if (!onVercel) return fallback;
  const country = cleanGeo(headers.get("x-vercel-ip-country"));
  if (!country) return fallback;
  const area = cleanGeo(headers.get("x-vercel-ip-country-region"));
  return area ? `${country}-${area}` : country;
}

function cleanGeo(value: string | null): string | undefined {
  const trimmed = value?.trim().toUpperCase();
  return trimmed && /^[A-Z0-9]{1,8}$/.test(trimmed) ? trimmed : undefined;
}
