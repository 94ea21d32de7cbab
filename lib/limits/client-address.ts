import { isIPv4, isIPv6 } from "node:net";
import type { ClientAddress } from "./limiter";

/**
 * Who is on the other end, as a budget key, from headers only a trusted party wrote:
 *
 * - on Vercel (`VERCEL=1`): `x-vercel-forwarded-for`, which Vercel sets and a client cannot
 *   forge (Vercel overwrites `x-forwarded-for` too; `x-vercel-forwarded-for` also survives
 *   a proxy in front of Vercel rewriting that one), then `x-forwarded-for`, `x-real-ip`;
 * - behind proxies the deployer names (`TRUSTED_PROXY_HOPS=n`): the n-th address from the
 *   right of `x-forwarded-for` (each proxy appends the peer it saw; what is left of that was
 *   written by the client and proves nothing);
 * - otherwise the TCP peer, stamped by our Node server hook (lib/http/socket-address.ts).
 *   A client-sent `x-forwarded-for` is ignored: `next start` passes it through unchanged.
 *
 * IPv6 is grouped by /64 (one subscriber is given a whole /64 and picks any address in it),
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 address. Anything unreadable: null.
 */

export type AddressSource = {
  onVercel: boolean;
  trustedProxyHops: number;
  /** The header our Node server hook writes, and whether this process installed the hook. */
  socket: { header: string; stamped: boolean };
};

export function clientAddress(headers: Headers, source: AddressSource): ClientAddress {
  if (source.onVercel) {
    const raw = first(headers.get("x-vercel-forwarded-for")) ?? first(headers.get("x-forwarded-for")) ?? first(headers.get("x-real-ip"));
    return raw === undefined ? null : addressKey(raw);
  }
  if (source.trustedProxyHops > 0) {
    const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((part) => part.trim()).filter(Boolean);
    if (hops.length === 0) return null;
    // Fewer entries than proxies: the first proxy saw the client and wrote it first.
    return addressKey(hops[Math.max(0, hops.length - source.trustedProxyHops)]!);
  }
  if (!source.socket.stamped) return null;
  const raw = headers.get(source.socket.header);
  return raw ? addressKey(raw) : null;
}

/** An address as a budget key: IPv4 as is, IPv6 as its /64 network, null when unreadable. */
export function addressKey(raw: string): ClientAddress {
  const address = withoutPort(raw.trim());
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return null;
  const groups = expandIPv6(address);
  if (!groups) return null;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

function first(header: string | null): string | undefined {
  const value = header?.split(",")[0]?.trim();
  return value ? value : undefined;
}

/** "1.2.3.4:5678" and "[2001:db8::1]:443" (some proxies add the port); a zone id ("fe80::1%eth0") goes too. */
function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!.split("%")[0]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  if (v4WithPort) return v4WithPort[1]!;
  return address.split("%")[0]!;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 as two groups). */
function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((group) => Number.parseInt(group, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const groups = [...left, ...Array<number>(missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
