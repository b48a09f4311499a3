/**
 * Connection status, flow diagnosis, solution references, expiring credentials and the health report: the entry
 * point src/app calls. Every method decides what the caller may see from the verified Caller (AccessPolicy), reads
 * the tenant through a fresh per-turn TenantReader (each resource once, bounded parallelism), and answers with a
 * card — plus a partial-result card with [Retry] when a backend could not be read. Nothing here throws for a
 * backend failure.
 */
import type { Caller } from '../access/caller';
import { renderCard } from '../cards/renderCard';
import { textReply, type Reply } from '../cards/reply';
import type { DomainContext } from '../context';
import { getLogger } from '../logging/logger';
import { DEFAULT_EXPIRY_WINDOW_DAYS } from './findings/expiringCredentials';
import { diagnose, diagnoseAction, diagnosisReply } from './flowDiagnosis';
import { lookUpFlow } from './flowLookup';
import { expiringCredentialsReply } from './expiringCredentialsView';
import { healthReportReply } from './healthReport';
import { LiveConnections } from './liveConnections';
import { myConnectionsReply } from './myConnections';
import { myConnectionsFromIndex } from './myConnectionsFromIndex';
import { withGaps } from './partialResult';
import { solutionReferencesReply } from './solutionReferences';
import type { TenantIndexSource } from './tenantIndexSource';
import { TenantReader } from './tenantReader';

const log = getLogger('connections');

/** Which view a card's button asks for again, with that view's parameters (see `show`). */
export interface ViewRequest {
  view?: string;
  page?: number;
  flowName?: string;
  environmentId?: string;
  flowId?: string;
  solutionName?: string;
  withinDays?: number;
}

export interface ConnectionsServiceOptions {
  /** Reads in flight at once per turn. */
  concurrency?: number;
  /**
   * The tenant index (kept by the scan, or built in the background): per-user views find the caller's items there
   * and read live only those they show. Without it they list the tenant.
   */
  index?: TenantIndexSource;
}

export class ConnectionsService {
  private readonly live = new LiveConnections();

  constructor(
    private readonly ctx: DomainContext,
    private readonly options: ConnectionsServiceOptions = {},
  ) {}

  private reader(): TenantReader {
    return new TenantReader(this.ctx.tenant, this.options.concurrency);
  }

  private now(): Date {
    return this.ctx.clock.now();
  }

  /** Fails closed: when the admins group cannot be read, the caller is treated as a maker. */
  private async isAdmin(caller: Caller): Promise<boolean> {
    return (await this.adminCheck(caller)) === true;
  }

  private async adminCheck(caller: Caller): Promise<boolean | 'unknown'> {
    try {
      return await this.ctx.access.isAdmin(caller);
    } catch (error) {
      log.warn({ err: error }, 'could not read the admins group');
      return 'unknown';
    }
  }

  /** `fresh`: [Refresh] was pressed, so statuses read less than a minute ago are read again. */
  async myConnections(caller: Caller, options: { page?: number; fresh?: boolean } = {}): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return notThisTenant();
    const index = this.options.index?.current();
    // Asked only for a row that would offer [Rotate] on an app the caller does not own.
    const isAdmin = () => this.isAdmin(caller);
    if (index)
      return myConnectionsFromIndex(this.reader(), index, this.live, caller, this.now(), { ...options, isAdmin });
    return myConnectionsReply(this.reader(), caller, this.now(), options.page ?? 1, isAdmin);
  }

  async diagnoseFlow(
    caller: Caller,
    query: { flowName?: string; environmentId?: string; flowId?: string },
  ): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return notThisTenant();
    const retry = {
      view: 'diagnoseFlow',
      flowName: query.flowName,
      environmentId: query.environmentId,
      flowId: query.flowId,
    };
    if (!query.flowId && !query.flowName?.trim()) {
      return textReply('Which flow? Tell me its name, e.g. "why can\'t I turn on Weekly report".');
    }
    const reader = this.reader();
    const isAdmin = await this.isAdmin(caller);
    const found = await lookUpFlow(reader, caller, isAdmin, query, this.options.index?.current());
    if (found.kind === 'none') {
      const asked = query.flowName ? `"${query.flowName}"` : 'that flow';
      const text =
        `I could not find ${asked} among the flows you own or co-own.` +
        (found.suggestions.length ? ` Did you mean ${found.suggestions.map((s) => `"${s}"`).join(', ')}?` : '');
      return withGaps(textReply(text), reader.gaps, retry);
    }
    if (found.kind === 'many') {
      const card = renderCard('flowPicker', {
        title: 'Which flow do you mean?',
        intro: `Several flows match "${query.flowName ?? ''}". Pick one to diagnose.`,
        choices: found.flows.map(({ flow, environment }) => ({
          name: flow.displayName,
          detail: `${environment.displayName} · ${flow.state === 'Started' ? 'On' : 'Off'}`,
          environmentId: environment.id,
          flowId: flow.id,
          action: diagnoseAction(environment.id, flow.id),
        })),
      });
      return withGaps({ cards: [card] }, reader.gaps, retry);
    }
    const diagnosis = await diagnose(reader, caller, found.flow, found.environment, {
      callerIsOwner: found.callerIsOwner,
      now: this.now(),
      isAdmin,
    });
    return withGaps(diagnosisReply(diagnosis), reader.gaps, retry);
  }

  async solutionReferences(caller: Caller, solutionName: string): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return notThisTenant();
    if (!solutionName.trim()) return textReply('Which solution? e.g. "connection references in Lunch order".');
    return solutionReferencesReply(this.reader(), caller, await this.isAdmin(caller), solutionName, this.now());
  }

  async expiringCredentials(caller: Caller, options: { withinDays?: number } = {}): Promise<Reply> {
    if (!this.ctx.access.sameTenant(caller)) return notThisTenant();
    const withinDays = Math.min(Math.max(options.withinDays ?? DEFAULT_EXPIRY_WINDOW_DAYS, 0), 3650);
    const index = this.options.index?.current();
    const fromIndex = index && { index, live: this.live };
    return expiringCredentialsReply(
      this.reader(),
      caller,
      await this.isAdmin(caller),
      this.now(),
      withinDays,
      fromIndex,
    );
  }

  async healthReport(caller: Caller, options: { page?: number } = {}): Promise<Reply> {
    const admin = await this.adminCheck(caller);
    if (admin === 'unknown') {
      const gap = { what: 'whether you are a Power Platform admin', reason: 'the directory did not answer' };
      return withGaps({ cards: [] }, [gap], { view: 'healthReport', page: options.page ?? 1 });
    }
    if (!admin) {
      return textReply(
        'The health report covers the whole tenant, so it is only available to Power Platform admins. ' +
          'I can show your own connections ("show my connections") or check one of your flows ("why can\'t I turn on <flow>").',
      );
    }
    return healthReportReply(this.reader(), this.now(), options.page ?? 1);
  }

  /**
   * A view again, as a card's [Next page], [Refresh] or [Retry] describes it (its data, already checked by the
   * card verb catalogue in src/app): which view, and that view's parameters.
   */
  show(caller: Caller, request: ViewRequest, options: { fresh?: boolean } = {}): Promise<Reply> {
    switch (request.view) {
      case 'healthReport':
        return this.healthReport(caller, { page: request.page });
      case 'diagnoseFlow':
        return this.diagnoseFlow(caller, {
          flowName: request.flowName,
          environmentId: request.environmentId,
          flowId: request.flowId,
        });
      case 'solutionReferences':
        return this.solutionReferences(caller, request.solutionName ?? '');
      case 'expiringCredentials':
        return this.expiringCredentials(caller, { withinDays: request.withinDays });
      default:
        return this.myConnections(caller, { page: request.page, fresh: options.fresh });
    }
  }
}

function notThisTenant(): Reply {
  return textReply('I can only look at connections in the tenant I am installed for.');
}
