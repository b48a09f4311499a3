/**
 * The test/operator control surface: the emulator's clock (credential expiry), faults, the secret propagation
 * delay, the secrets addPassword issued, request counters, a fresh fixture, and user tokens for tests. The same
 * operations are served over HTTPS under `{control}` (no token: loopback only) for an emulator in another process:
 *   POST {control}/clock        {"offsetDays":n} | {"advanceMs":n}      → {"now","offsetMs"}
 *   POST {control}/faults       {"spec":"graph:error=1:503"}
 *   POST {control}/propagation  {"ms":3000}
 *   GET  {control}/issuedSecrets                                     → {"value":[…]}
 *   GET  {control}/requestCount?api=graph                            → {"count":n}  (graph.batches, graph.batched)
 *   POST {control}/recording    {"on":true|false}                      (on: starts a fresh recording)
 *   GET  {control}/recorded                                          → {"value":[{method,path,headers,body}]}
 *   POST {control}/reset
 *   POST {control}/userToken    {"upn","scope"}                      → {"access_token"}
 *   GET  {control}/flow, GET {control}/connectionReference, POST {control}/manager (see stateControl.ts)
 */
import { canvasAppSnapshot, type CanvasAppSnapshot } from './canvasAppsApi';
import type { EmulatorCore } from './core';
import type { LatencyGate } from './latencyGate';
import { apiError, jsonBody, ok, type RequestContext } from './http';
import { resourceOf, userAccessToken } from './identityApi';
import { route, type Route } from './route';
import {
  flowSnapshot,
  referenceSnapshot,
  setApplicationOwners,
  setManager,
  stateRoutes,
  type FlowSnapshot,
  type ReferenceSnapshot,
} from './stateControl';

const DAY_MS = 86_400_000;

export interface EmulatorControl {
  /** Moves the emulator's "now" to real time + n days (credential expiry, connection status). */
  setClockOffsetDays(days: number): void;
  advanceClock(ms: number): void;
  now(): Date;
  setFaults(spec: string): void;
  /** Delay before a secret from addPassword works for tokens (Graph takes 4–18 s); default 0. */
  setSecretPropagationMs(ms: number): void;
  /** Every secretText addPassword ever returned (tests scan outputs, logs and stores for them). */
  issuedSecrets(): string[];
  requestCount(api?: string): number;
  /** A fresh fixture. */
  reset(): void;
  /** An access token for a demo user, for `scope` (e.g. https://service.flow.microsoft.com/.default). */
  userToken(upn: string, scope: string): string;
  /** A flow's state, owners and connections as the emulator holds them (stateControl.ts); undefined if none. */
  flow(environmentId: string, flowName: string): FlowSnapshot | undefined;
  /** A Dataverse connection reference's binding, by logical name; undefined if none. */
  connectionReference(environmentId: string, logicalName: string): ReferenceSnapshot | undefined;
  /** A canvas app's owner and shares (canvasAppsApi.ts); undefined if none. */
  canvasApp(environmentId: string, appName: string): CanvasAppSnapshot | undefined;
  /** Sets (null: removes) a user's manager, by UPN or object id. */
  setManager(user: string, manager: string | null): void;
  /** Replaces an app registration's owners (app by object id, appId or display name; owners by UPN or object id). */
  setApplicationOwners(app: string, owners: string[]): void;
  /** Keeps requests with injected latency in flight until released (in-process tests of concurrency limits). */
  latencyGate: LatencyGate;
}

export function controlFor(core: EmulatorCore): EmulatorControl {
  return {
    setClockOffsetDays: (days) => core.setClockOffsetMs(days * DAY_MS),
    advanceClock: (ms) => core.advanceClock(ms),
    now: () => core.now(),
    setFaults: (spec) => core.setFaults(spec),
    setSecretPropagationMs: (ms) => core.setPropagationMs(ms),
    issuedSecrets: () => [...core.issued],
    requestCount: (api) => core.requestCount(api),
    reset: () => core.reset(),
    latencyGate: core.latencyGate,
    userToken: (upn, scope) => {
      const user = core.state.index.usersByUpn.get(upn.toLowerCase());
      if (!user) throw new Error(`no demo user ${upn}`);
      return userAccessToken(core, user, resourceOf(scope), core.options.botAppId);
    },
    flow: (environmentId, flowName) => flowSnapshot(core, environmentId, flowName),
    connectionReference: (environmentId, logicalName) => referenceSnapshot(core, environmentId, logicalName),
    setManager: (user, manager) => setManager(core, user, manager),
    setApplicationOwners: (app, owners) => setApplicationOwners(core, app, owners),
    canvasApp: (environmentId, appName) => canvasAppSnapshot(core, environmentId, appName),
  };
}

export function controlRoutes(): Route[] {
  const opt = { auth: 'none' as const };
  const number = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw apiError(400, 'BadRequest', `${name} must be a number`);
    return value;
  };
  return [
    route(
      'control',
      'clock',
      'POST',
      '/control/clock',
      (ctx: RequestContext, core) => {
        const body = jsonBody(ctx);
        if (body.offsetDays !== undefined) core.setClockOffsetMs(number(body.offsetDays, 'offsetDays') * DAY_MS);
        if (body.advanceMs !== undefined) core.advanceClock(number(body.advanceMs, 'advanceMs'));
        return ok({ now: core.now().toISOString(), offsetMs: core.clockOffset() });
      },
      opt,
    ),
    route(
      'control',
      'faults',
      'POST',
      '/control/faults',
      (ctx, core) => {
        const spec = jsonBody(ctx).spec;
        try {
          core.setFaults(typeof spec === 'string' ? spec : '');
        } catch (error) {
          throw apiError(400, 'BadRequest', error instanceof Error ? error.message : String(error));
        }
        return ok({ spec });
      },
      opt,
    ),
    route(
      'control',
      'propagation',
      'POST',
      '/control/propagation',
      (ctx, core) => {
        core.setPropagationMs(number(jsonBody(ctx).ms, 'ms'));
        return ok({ ms: core.propagationMs() });
      },
      opt,
    ),
    route(
      'control',
      'issuedSecrets',
      'GET',
      '/control/issuedSecrets',
      (_ctx, core) => ok({ value: [...core.issued] }),
      opt,
    ),
    route(
      'control',
      'requestCount',
      'GET',
      '/control/requestCount',
      (ctx, core) => ok({ count: core.requestCount(ctx.query.get('api')) }),
      opt,
    ),
    route(
      'control',
      'recording',
      'POST',
      '/control/recording',
      (ctx, core) => {
        core.recording = jsonBody(ctx).on === true ? [] : undefined;
        return ok({ on: core.recording !== undefined });
      },
      opt,
    ),
    route('control', 'recorded', 'GET', '/control/recorded', (_ctx, core) => ok({ value: core.recording ?? [] }), opt),
    route(
      'control',
      'reset',
      'POST',
      '/control/reset',
      (_ctx, core) => {
        core.reset();
        return ok({ reset: true });
      },
      opt,
    ),
    route(
      'control',
      'userToken',
      'POST',
      '/control/userToken',
      (ctx, core) => {
        const body = jsonBody(ctx);
        try {
          return ok({ access_token: controlFor(core).userToken(String(body.upn), String(body.scope)) });
        } catch (error) {
          throw apiError(400, 'BadRequest', error instanceof Error ? error.message : String(error));
        }
      },
      opt,
    ),
    ...stateRoutes(),
  ];
}
