/**
 * Route table entries: method + path pattern (`:name` segments, matched case-insensitively as the Microsoft APIs
 * do), the API it belongs to (counters, faults, token audience), a name for fault targeting, the public source it
 * was checked against (routeSources.ts), and its handler.
 */
import type { EmulatorCore } from './core';
import type { ApiName, Reply, RequestContext } from './http';
import { sourceOfRoute } from './routeSources';

export interface Route {
  api: ApiName;
  name: string;
  method: string;
  /** The path as registered, with `:name` segments (the key of its source in routeSources.ts). */
  path: string;
  pattern: RegExp;
  keys: string[];
  /** 'bearer' (default): a token for one of the API's audiences is required. */
  auth: 'bearer' | 'none';
  /**
   * The public source this route's path, shapes and refusals were checked against (a file and line of a public
   * repository, or a documentation page), from the one table in routeSources.ts; undefined only for a route nobody
   * has checked yet (a test fails on it).
   */
  source?: string;
  /** Throttle cost (Graph resource units); default 1. */
  cost?: (ctx: RequestContext) => number;
  handle: (ctx: RequestContext, core: EmulatorCore) => Reply | Promise<Reply>;
}

export function route(
  api: ApiName,
  name: string,
  method: string,
  path: string,
  handle: Route['handle'],
  options: Partial<Pick<Route, 'auth' | 'cost'>> = {},
): Route {
  const keys: string[] = [];
  const regex = path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        keys.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    api,
    name,
    method,
    path,
    pattern: new RegExp(`^${regex}/?$`, 'i'),
    keys,
    auth: options.auth ?? 'bearer',
    source: sourceOfRoute(method, path),
    cost: options.cost,
    handle,
  };
}

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { methodNotAllowed: Route } | undefined {
  let other: Route | undefined;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      other ??= r;
      continue;
    }
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => (params[key] = safeDecode(m[i + 1])));
    return { route: r, params };
  }
  return other ? { methodNotAllowed: other } : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
