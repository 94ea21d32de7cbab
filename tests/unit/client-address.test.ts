import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, type AddressSource } from "@/lib/limits/client-address";

/** Which header says who the client is, under each deployment's rules, and what a client can forge. */

const SOCKET = "x-chat-socket-address";
const nodeServer: AddressSource = { onVercel: false, trustedProxyHops: 0, socket: { header: SOCKET, stamped: true } };
const headers = (values: Record<string, string>) => new Headers(values);

describe("the client address under `next start` (no proxy named)", () => {
  it("is the socket's, whatever X-Forwarded-For or X-Real-IP a client sends", () => {
    const spoofed = headers({ [SOCKET]: "198.51.100.23", "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8", "x-vercel-forwarded-for": "9.9.9.9" });
    expect(clientAddress(spoofed, nodeServer)).toBe("198.51.100.23");
  });

  it("is unknown in a process that does not stamp the socket address: a client-sent copy of our header is never trusted", () => {
    expect(clientAddress(headers({ [SOCKET]: "198.51.100.23" }), { ...nodeServer, socket: { header: SOCKET, stamped: false } })).toBeNull();
    expect(clientAddress(headers({}), nodeServer)).toBeNull();
  });
});

describe("behind proxies the deployer names (TRUSTED_PROXY_HOPS)", () => {
  const hops = (n: number): AddressSource => ({ ...nodeServer, trustedProxyHops: n });

  it("takes the n-th address from the right: what the first trusted proxy saw", () => {
    const chain = headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2", [SOCKET]: "10.0.0.3" });
    expect(clientAddress(chain, hops(1))).toBe("10.0.0.2");
    expect(clientAddress(chain, hops(2))).toBe("203.0.113.9");
  });

  it("ignores what a client wrote to the left of it, and the socket (a proxy's address)", () => {
    const forged = headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.9", [SOCKET]: "10.0.0.3" });
    expect(clientAddress(forged, hops(1))).toBe("203.0.113.9");
  });

  it("with fewer entries than proxies, takes the first; with none, unknown", () => {
    expect(clientAddress(headers({ "x-forwarded-for": "203.0.113.9" }), hops(2))).toBe("203.0.113.9");
    expect(clientAddress(headers({ [SOCKET]: "10.0.0.3" }), hops(1))).toBeNull();
  });
});

describe("on Vercel", () => {
  const vercel: AddressSource = { ...nodeServer, onVercel: true };

  it("prefers x-vercel-forwarded-for, which a proxy in front of Vercel cannot rewrite, then x-forwarded-for, then x-real-ip", () => {
    expect(clientAddress(headers({ "x-vercel-forwarded-for": "203.0.113.1", "x-forwarded-for": "203.0.113.2" }), vercel)).toBe("203.0.113.1");
    expect(clientAddress(headers({ "x-forwarded-for": "203.0.113.2, 10.1.1.1" }), vercel)).toBe("203.0.113.2");
    expect(clientAddress(headers({ "x-real-ip": "203.0.113.3" }), vercel)).toBe("203.0.113.3");
  });

  it("never reads our socket header there (Vercel runs no Node server of ours)", () => {
    expect(clientAddress(headers({ [SOCKET]: "203.0.113.4" }), vercel)).toBeNull();
  });
});

describe("an address as a budget key", () => {
  it("groups IPv6 by /64: one subscriber's many addresses are one key", () => {
    expect(addressKey("2001:db8:abcd:12:1::5")).toBe("2001:db8:abcd:12::/64");
    expect(addressKey("2001:0db8:abcd:0012:ffff:ffff:ffff:ffff")).toBe("2001:db8:abcd:12::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("[2001:db8:1:2::3]:443")).toBe("2001:db8:1:2::/64");
  });

  it("reads IPv4-mapped IPv6 (a dual-stack socket) as the IPv4 address, and drops a port", () => {
    expect(addressKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(addressKey("::ffff:c633:6407")).toBe("198.51.100.7");
    expect(addressKey("198.51.100.7:51234")).toBe("198.51.100.7");
    expect(addressKey(" 198.51.100.7 ")).toBe("198.51.100.7");
  });

  it("is null for anything that is not an address, so garbage never becomes a shared bucket", () => {
    for (const junk of ["", "unknown", "1.2.3", "999.1.1.1", "2001:db8::1::2", "::g", "1.2.3.4.5", "<script>"]) {
      expect(addressKey(junk), junk).toBeNull();
    }
  });
});
