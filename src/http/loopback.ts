/**
 * What "loopback" means for the front door: the addresses a server may listen on when it accepts anonymous
 * requests, and the service URLs the bot may send to when no token vouches for them (demo mode). Only this machine
 * can reach either, so an anonymous caller can neither be a stranger on the network nor point the bot's replies at
 * one (no blind SSRF through `serviceUrl`).
 */
import * as net from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x, and for the names that always resolve to them. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost')) return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/** True when the URL is http(s) to a loopback host. Anything unparsable is not. */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
