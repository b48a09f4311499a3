/**
 * One running emulator's shared core: the tenant state, the clock credentials expire by, the fault plan, the
 * throttle, request counters, the secrets addPassword has issued, and the public URLs of each API. Handlers
 * receive it; the control surface changes it.
 */
import { FaultPlan } from './faults';
import type { ApiName, Caller } from './http';
import { LatencyGate } from './latencyGate';
import { Throttle } from './throttle';
import type { TenantState } from './tenantState';

export interface EmulatorUrls {
  origin: string;
  authorityHost: string;
  graph: string;
  powerPlatformTemplate: string;
  powerApps: string;
  flow: string;
  bap: string;
  keyVault: string;
  control: string;
  dataverseBase: string;
}

export interface CoreOptions {
  tenantId: string;
  botAppId: string;
  baseNow: () => Date;
  build: (now: Date) => TenantState;
  faults?: string;
  latencyMs?: number;
}

/** An API request as the emulator received it: enough to send it again. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as on the request line. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class EmulatorCore {
  state: TenantState;
  faults: FaultPlan;
  readonly throttle = new Throttle();
  /** Lets a test keep requests with injected latency in flight until it says so (see latencyGate.ts). */
  readonly latencyGate = new LatencyGate();
  private clockOffsetMs = 0;
  private propagationOverrideMs: number | undefined;
  readonly issued: string[] = [];
  private readonly counts = new Map<string, number>();
  /** While recording: every API request as it arrived (benchmarks replay them; see control.ts). */
  recording: RecordedRequest[] | undefined;
  urls!: EmulatorUrls;

  constructor(readonly options: CoreOptions) {
    this.faults = FaultPlan.parse(options.faults, options.latencyMs);
    this.state = options.build(options.baseNow());
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** The emulator's "now" (credential expiry, connection status): real time shifted by the control clock. */
  now(): Date {
    return new Date(this.options.baseNow().getTime() + this.clockOffsetMs);
  }

  setClockOffsetMs(ms: number): void {
    this.clockOffsetMs = ms;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  clockOffset(): number {
    return this.clockOffsetMs;
  }

  setFaults(spec: string): void {
    this.faults = FaultPlan.parse(spec, this.options.latencyMs);
    this.throttle.clear();
  }

  setPropagationMs(ms: number | undefined): void {
    this.propagationOverrideMs = ms;
  }

  propagationMs(): number {
    return this.propagationOverrideMs ?? this.faults.propagationMs() ?? 0;
  }

  count(api: ApiName): void {
    this.counts.set(api, (this.counts.get(api) ?? 0) + 1);
    this.counts.set('*', (this.counts.get('*') ?? 0) + 1);
  }

  /**
   * A batch (Graph $batch) of `requests`: the HTTP request counts once under `api`, the batches under
   * `{api}.batches` and the requests inside them under `{api}.batched`.
   */
  countBatched(api: ApiName, requests: number): void {
    this.counts.set(`${api}.batches`, (this.counts.get(`${api}.batches`) ?? 0) + 1);
    this.counts.set(`${api}.batched`, (this.counts.get(`${api}.batched`) ?? 0) + requests);
  }

  requestCount(api?: string): number {
    return this.counts.get(api ?? '*') ?? 0;
  }

  /** A fresh fixture (the clock offset and faults stay as they are; issued secrets are remembered). */
  reset(): void {
    this.state = this.options.build(this.options.baseNow());
    this.throttle.clear();
  }

  /** Is this caller an admin of Power Platform (the bot's app, or a member of "Power Platform Admins")? */
  isPowerPlatformAdmin(caller: Caller): boolean {
    if (caller.isTenantAdmin) return true;
    if (caller.kind !== 'user') return false;
    return this.state.groups.some((g) => g.displayName === 'Power Platform Admins' && g.memberIds.includes(caller.oid));
  }

  /** Group ids the user belongs to (directly; the fixture has no nesting). */
  groupIdsOf(principalId: string): string[] {
    return this.state.groups.filter((g) => g.memberIds.includes(principalId)).map((g) => g.id);
  }
}
