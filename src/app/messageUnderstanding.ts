/**
 * Understanding in a turn: plans a message with the tenant's names (read once and kept, see TenantNames) and what
 * the conversation was last about, and afterwards remembers the new subject — with what its answer listed, for
 * "rotate the first one" — in the conversation's turn state, which the bot's storage keeps (SQLite or Azure
 * Storage), so a follow-up works on any instance.
 */
import type { TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Caller } from '../access/caller';
import type { AdaptiveCard } from '../cards/renderCard';
import { getLogger } from '../logging/logger';
import {
  TenantNames,
  sharedClassifier,
  type ConversationSubject,
  type EntityType,
  type NameIndex,
  type TenantName,
} from '../understanding';
import { planMessage, type Plan, type Understood } from './planner/localPlanner';
import type { ActionResult, BotServices } from './services';

const log = getLogger('understanding');

/** Where a turn leaves what it understood, for the chat CLI's `understood` field. */
export const UNDERSTOOD_KEY = 'connectionOps.understood';
const SUBJECT_KEY = 'lastSubject';

/** Answers that are not a subject to come back to. */
const NOT_A_SUBJECT = new Set(['clarify', 'question', 'help', 'greeting', 'unsubscribe', 'subscribe', 'scanNow']);

/** Buttons that name a tenant thing by id: the verb, the id field and the kind of thing. */
const SHOWN_BY: { verb: string; idField: string; type: EntityType }[] = [
  { verb: 'rotation.request', idField: 'appObjectId', type: 'app' },
  { verb: 'flow.diagnose', idField: 'flowId', type: 'flow' },
];

export class MessageUnderstanding {
  private readonly names: TenantNames;
  private readonly byId = new WeakMap<NameIndex, Map<string, TenantName>>();

  constructor(private readonly services: BotServices) {
    this.names = new TenantNames({
      tenant: services.ctx.tenant,
      clock: services.ctx.clock,
      snapshot: services.namesSnapshot,
      onError: (error) => log.warn({ err: error }, 'could not read the tenant names; understanding goes by wording'),
    });
    // Train the classifier while the bot starts, not in the first person's turn.
    void sharedClassifier();
  }

  async plan(context: TurnContext, state: TurnState, caller: Caller, text: string): Promise<Plan> {
    const [index, isAdmin] = await Promise.all([
      this.names.current(),
      this.services.ctx.access.isAdmin(caller).catch(() => false),
    ]);
    const me = caller.userId.toLowerCase();
    const plan = await planMessage(text, {
      names: index,
      visible: (name) => isAdmin || !name.visibleTo || name.visibleTo.includes(me),
      me,
      now: this.services.ctx.clock.now(),
      last: (state.conversation as Record<string, unknown>)[SUBJECT_KEY] as ConversationSubject | undefined,
    });
    context.turnState.set(UNDERSTOOD_KEY, plan.understood);
    return plan;
  }

  async remember(state: TurnState, plan: Plan, result: ActionResult): Promise<void> {
    const { understanding } = plan;
    if (NOT_A_SUBJECT.has(understanding.intent) || understanding.missing) return;
    const index = await this.names.current();
    const subject: ConversationSubject = {
      intent: understanding.intent,
      entities: understanding.entities,
      shown: this.shownIn(result.reply.cards, index),
      at: this.services.ctx.clock.now().toISOString(),
    };
    (state.conversation as Record<string, unknown>)[SUBJECT_KEY] = subject;
  }

  /** The tenant things an answer's buttons are about, in the order shown. */
  private shownIn(cards: AdaptiveCard[], index: NameIndex): ConversationSubject['shown'] {
    let byId = this.byId.get(index);
    if (!byId) {
      byId = new Map(index.names.filter((n) => n.id).map((n) => [`${n.type}:${n.id?.toLowerCase()}`, n]));
      this.byId.set(index, byId);
    }
    const shown: { type: EntityType; name: string }[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        const by = SHOWN_BY.find((s) => s.verb === record.verb);
        const data = record.data as Record<string, unknown> | undefined;
        const id = by && typeof data?.[by.idField] === 'string' ? String(data[by.idField]).toLowerCase() : undefined;
        const name = by && id ? byId?.get(`${by.type}:${id}`) : undefined;
        if (by && name && !shown.some((s) => s.type === by.type && s.name === name.name)) {
          shown.push({ type: by.type, name: name.name });
        }
        for (const value of Object.values(record)) if (typeof value === 'object') visit(value);
      }
    };
    visit(cards);
    return shown.length ? shown.slice(0, 20) : undefined;
  }
}

export type { Understood };
