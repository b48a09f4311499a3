/**
 * Microsoft Graph JSON batching: `POST /v1.0/$batch` with `{"requests":[{"id","method","url"}]}` (at most 20,
 * urls relative to the version, e.g. `/applications/{id}/owners?$select=id`) answers 200 with
 * `{"responses":[{"id","status","headers","body"}]}`, one per request, each as the route alone would have answered
 * it (errors included). Only GETs are accepted here: the bot batches reads only.
 *
 * Throttling: the real service evaluates each request of a batch against the budget on its own. The emulator
 * charges the batch the sum of its requests' costs before any of them runs (see route cost), so an empty bucket
 * answers the whole batch 429 + Retry-After; a client must handle both that and a 429 inside `responses`.
 * Latency, as for any request, is added once per HTTP request (the service runs a batch's requests in parallel);
 * a route's `error` fault applies to each of its requests inside a batch.
 */
import type { EmulatorCore } from './core';
import { HttpError, queryMap, type Reply, type RequestContext } from './http';
import { matchRoute, route, type Route } from './route';

const MAX_REQUESTS = 20;

interface BatchRequest {
  id: string;
  method: string;
  url: string;
}

/** The `$batch` route over the other Graph routes (`base` is their path prefix, e.g. /graph/v1.0). */
export function graphBatchRoute(base: string, routes: Route[], graphError: (s: number, c: string, m: string) => Error) {
  const parse = (ctx: RequestContext): BatchRequest[] => {
    const requests = (ctx.body as { requests?: unknown } | undefined)?.requests;
    const invalid = (message: string) => graphError(400, 'BadRequest', message);
    if (!Array.isArray(requests) || requests.length === 0) throw invalid('Invalid batch payload format.');
    if (requests.length > MAX_REQUESTS) {
      throw invalid(`The number of batch requests exceeds the limit of ${MAX_REQUESTS}.`);
    }
    const ids = new Set<string>();
    return requests.map((r: unknown) => {
      const { id, method, url } = (r ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || !id || ids.has(id)) throw invalid('Each request needs a unique id.');
      if (typeof method !== 'string' || typeof url !== 'string' || !url.startsWith('/')) {
        throw invalid(`Request ${id} needs a method and a url relative to the version.`);
      }
      ids.add(id);
      return { id, method: method.toUpperCase(), url };
    });
  };

  const run = async (ctx: RequestContext, core: EmulatorCore, request: BatchRequest): Promise<Reply> => {
    const url = new URL(`${base}${request.url}`, ctx.url);
    const match = request.method === 'GET' ? matchRoute(routes, request.method, url.pathname) : undefined;
    if (!match || !('route' in match)) {
      throw graphError(400, 'BadRequest', `Unsupported request in batch: ${request.method} ${request.url}`);
    }
    // The route's own error fault applies to it inside a batch too (the batch's other requests may succeed).
    const fault = core.faults.settingsFor('graph', match.route.name).error;
    if (fault && Math.random() < fault.rate) {
      throw graphError(fault.status, 'ServiceUnavailable', `The service is temporarily unavailable (${fault.status}).`);
    }
    const sub: RequestContext = { ...ctx, method: request.method, url, params: match.params, query: queryMap(url) };
    return match.route.handle(sub, core);
  };

  return route(
    'graph',
    'batch',
    'POST',
    `${base}/$batch`,
    async (ctx, core) => {
      const requests = parse(ctx);
      const responses = await Promise.all(
        requests.map(async (request) => {
          let reply: Reply;
          try {
            reply = await run(ctx, core, request);
          } catch (error) {
            if (!(error instanceof HttpError)) throw error;
            reply = { status: error.status, body: error.body, headers: error.headers };
          }
          return {
            id: request.id,
            status: reply.status,
            headers: { 'Content-Type': 'application/json', ...reply.headers },
            ...(reply.body !== undefined ? { body: reply.body } : {}),
          };
        }),
      );
      core.countBatched('graph', requests.length);
      return { status: 200, body: { responses } };
    },
    {
      // Each request of the batch costs what it would alone (1 unit for the reads the bot batches).
      cost: (ctx) => {
        const requests = (ctx.body as { requests?: unknown } | undefined)?.requests;
        return Array.isArray(requests) ? Math.max(1, Math.min(requests.length, MAX_REQUESTS)) : 1;
      },
    },
  );
}
