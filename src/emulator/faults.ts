/**
 * Fault injection: parses the FAULTS spec and answers, per request, which faults apply to it.
 *
 * Grammar (rules separated by ';', whitespace ignored):
 *   RULE   := TARGET ':' FAULT
 *   TARGET := '*' | API | API '.' ROUTE        API: token graph bap powerApps powerPlatform flow dataverse keyVault
 *                                              ROUTE: the route's name (the clients' operation names):
 *                                              token: token, openidConfiguration, jwks
 *                                              graph: listApplications, getApplication, listApplicationOwners,
 *                                                addPassword, removePassword, listServicePrincipals, listUsers,
 *                                                getUser, getManager, listGroups, listGroupMembers, batch
 *                                              bap: listEnvironments; powerApps: listConnections,
 *                                                listConnectorConnections, listPermissions, modifyPermissions,
 *                                                listMyConnections, listCanvasApps, getCanvasApp,
 *                                                setCanvasAppOwner
 *                                              powerPlatform: listConnections, getConnection, updateConnection,
 *                                                listPermissions, modifyPermissions
 *                                              flow: listFlows, adminListFlows, adminGetFlow,
 *                                                adminListFlowOwners, adminModifyFlowPermissions, adminStartFlow,
 *                                                adminStopFlow, adminListFlowRuns, getFlow, listFlowOwners,
 *                                                listFlowRuns, modifyFlowPermissions, startFlow, stopFlow
 *                                              dataverse: query, userRoles, update (PATCH); keyVault: setSecret, getSecret,
 *                                                listSecretVersions
 *   FAULT  := 'latency=' MS                    added delay before answering
 *           | 'error=' RATE [':' STATUS]       answer STATUS (500, 503 or 504; default 503) with that probability
 *           | 'reset=' RATE                    destroy the connection without answering, before doing anything
 *           | 'timeout=' RATE                  never answer (the client's own timeout ends the request)
 *           | 'ambiguous=' RATE                do the work (e.g. addPassword), then destroy the connection
 *           | 'throttle=' ('default' | N '/' SECONDS)   token bucket per caller; 429 + Retry-After when empty.
 *                                              default = the documented budget: graph 3,500 units / 10 s,
 *                                              dataverse 6,000 requests / 300 s and 52 concurrent, keyVault
 *                                              4,000 / 10 s, the others 6,000 / 300 s (unconfirmed)
 *           | 'down'                           every request is reset (the service is unreachable)
 *           | 'propagation=' MS                a secret added by addPassword works for tokens only after MS
 *           | 'refuseQuery=' NAME              400 for a request whose query has NAME (e.g. $top): a service that
 *                                                does not take that option
 *           | 'forbid'                         403 in the API's own words, as when the permission the bot needs for
 *                                                it was withdrawn (e.g. `powerApps:forbid` = not a management app,
 *                                                `dataverse:forbid` = no application user, `graph.listApplications:forbid`)
 *           | 'regionalNextLink=' RATE         the admin flow list's next link points at the regional alias host
 *           | 'withoutConnectionReferences=' RATE   flow list items come without properties.connectionReferences
 *           | 'emptyParameterValues=' RATE     connection lists carry connectionParametersSet with empty `values`
 * RATE is a probability 0..1. A route rule overrides its API's rule, which overrides '*', field by field.
 * Example: `graph:latency=25;dataverse:error=0.1:503;graph.addPassword:ambiguous=1;keyVault:down;*:reset=0.05`.
 */

export interface ThrottleBudget {
  capacity: number;
  windowMs: number;
  /** Concurrent requests allowed per caller (Dataverse: 52). */
  concurrency?: number;
}

export interface FaultSettings {
  latencyMs?: number;
  error?: { rate: number; status: number };
  reset?: number;
  timeout?: number;
  ambiguous?: number;
  throttle?: ThrottleBudget;
  propagationMs?: number;
  refuseQuery?: string;
  forbid?: boolean;
  regionalNextLink?: number;
  withoutConnectionReferences?: number;
  emptyParameterValues?: number;
}

interface RuleSettings extends FaultSettings {
  /** throttle=default: the budget of whichever API the request goes to. */
  throttleDefault?: boolean;
}

interface FaultRule {
  api?: string;
  route?: string;
  settings: RuleSettings;
}

export const API_NAMES = ['token', 'graph', 'bap', 'powerApps', 'powerPlatform', 'flow', 'dataverse', 'keyVault'];

export const DEFAULT_BUDGETS: Record<string, ThrottleBudget> = {
  graph: { capacity: 3500, windowMs: 10_000 },
  dataverse: { capacity: 6000, windowMs: 300_000, concurrency: 52 },
  keyVault: { capacity: 4000, windowMs: 10_000 },
};
const FALLBACK_BUDGET: ThrottleBudget = { capacity: 6000, windowMs: 300_000 };

export class FaultPlan {
  private constructor(private readonly rules: FaultRule[]) {}

  static parse(spec: string | undefined, latencyMs?: number): FaultPlan {
    const rules: FaultRule[] = [];
    if (latencyMs && latencyMs > 0) rules.push({ settings: { latencyMs } });
    for (const raw of (spec ?? '').split(';')) {
      const text = raw.trim();
      if (!text) continue;
      const colon = text.indexOf(':');
      if (colon <= 0) throw new Error(`faults: "${text}" is not TARGET:FAULT`);
      const target = text.slice(0, colon).trim();
      const fault = text.slice(colon + 1).trim();
      const [api, route] = target === '*' ? [undefined, undefined] : target.split('.', 2);
      if (api && !API_NAMES.some((n) => n.toLowerCase() === api.toLowerCase())) {
        throw new Error(`faults: unknown API "${api}" (one of ${API_NAMES.join(', ')})`);
      }
      const canonical = api ? API_NAMES.find((n) => n.toLowerCase() === api.toLowerCase()) : undefined;
      rules.push({ api: canonical, route, settings: parseFault(fault) });
    }
    return new FaultPlan(rules);
  }

  /** Effective faults of one request: '*' rules, then the API's, then the route's. */
  settingsFor(api: string, route: string): FaultSettings {
    const out: FaultSettings = {};
    const ranked = (r: FaultRule) => (r.route ? 2 : r.api ? 1 : 0);
    const matching = this.rules
      .filter((r) => (!r.api || r.api === api) && (!r.route || r.route.toLowerCase() === route.toLowerCase()))
      .sort((a, b) => ranked(a) - ranked(b));
    for (const rule of matching) {
      const { throttleDefault, ...settings } = rule.settings;
      Object.assign(out, stripUndefined(settings));
      if (throttleDefault) out.throttle = DEFAULT_BUDGETS[api] ?? FALLBACK_BUDGET;
    }
    return out;
  }

  /** Propagation delay of new secrets, from whichever rule sets it. */
  propagationMs(): number | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const value = this.rules[i].settings.propagationMs;
      if (value !== undefined) return value;
    }
    return undefined;
  }
}

function parseFault(fault: string): RuleSettings {
  if (fault === 'down') return { reset: 1 };
  if (fault === 'forbid') return { forbid: true };
  const eq = fault.indexOf('=');
  if (eq <= 0) throw new Error(`faults: "${fault}" is not NAME=VALUE`);
  const name = fault.slice(0, eq).trim();
  const value = fault.slice(eq + 1).trim();
  switch (name) {
    case 'latency':
      return { latencyMs: nonNegative(value, name) };
    case 'error': {
      const [rate, status] = value.split(':');
      const code = status ? Number(status) : 503;
      if (![500, 502, 503, 504].includes(code)) throw new Error(`faults: error status must be 500/502/503/504`);
      return { error: { rate: probability(rate, name), status: code } };
    }
    case 'reset':
      return { reset: probability(value, name) };
    case 'timeout':
      return { timeout: probability(value, name) };
    case 'ambiguous':
      return { ambiguous: probability(value, name) };
    case 'propagation':
      return { propagationMs: nonNegative(value, name) };
    case 'regionalNextLink':
      return { regionalNextLink: probability(value, name) };
    case 'withoutConnectionReferences':
      return { withoutConnectionReferences: probability(value, name) };
    case 'emptyParameterValues':
      return { emptyParameterValues: probability(value, name) };
    case 'refuseQuery':
      if (!value) throw new Error('faults: refuseQuery needs a query parameter name');
      return { refuseQuery: value };
    case 'throttle': {
      if (value === 'default') return { throttleDefault: true };
      const match = value.match(/^(\d+)\/(\d+(?:\.\d+)?)$/);
      if (!match) throw new Error(`faults: throttle must be "default" or N/SECONDS, not "${value}"`);
      return { throttle: { capacity: Number(match[1]), windowMs: Number(match[2]) * 1000 } };
    }
    default:
      throw new Error(`faults: unknown fault "${name}"`);
  }
}

function probability(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`faults: ${name} rate must be within 0..1`);
  return n;
}

function nonNegative(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`faults: ${name} must be a number of milliseconds`);
  return n;
}

function stripUndefined(s: FaultSettings): FaultSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as FaultSettings;
}
