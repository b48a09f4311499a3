/**
 * Plays Teams for bots served over HTTP: people's messages and button presses go to a bot's /api/messages as
 * Teams-shaped activities whose serviceUrl is the loopback connector stub, so whatever the bot answers outside the
 * invoke response (replies, proactive messages, card updates) lands in the stub. Any bot instance can be given any
 * activity, as Azure Bot Service would do with several instances behind it.
 */
import type { AdaptiveCard } from '../../src/cards/renderCard';
import { cardOf, type ConnectorStub, type StubMessage } from './connectorStub';

export interface TeamsUser {
  id: string;
  displayName: string;
}

export interface InvokeResult {
  status: number;
  /** The card of the invoke response (Universal Actions: it replaces the card the button was on). */
  card?: AdaptiveCard;
  text?: string;
  /** Time from sending the invoke to its response. */
  ms: number;
}

const BOT = { id: '28:connection-ops', name: 'Connection Ops' };
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export class TeamsClient {
  private sequence = 0;

  constructor(
    private readonly stub: ConnectorStub,
    private readonly tenantId: string,
  ) {}

  static conversationId(user: TeamsUser): string {
    return `personal-${user.id}`;
  }

  /** The current card of every message in `user`'s 1:1 chat that has one, oldest first. */
  cardsOf(user: TeamsUser): { message: StubMessage; card: AdaptiveCard }[] {
    return this.stub
      .messages(TeamsClient.conversationId(user))
      .map((message) => ({ message, card: currentCard(message) }))
      .filter((x): x is { message: StubMessage; card: AdaptiveCard } => x.card !== undefined);
  }

  /** Sends a message; resolves when the bot has finished the turn (its replies are in the stub then). */
  async say(botUrl: string, user: TeamsUser, text: string): Promise<StubMessage[]> {
    const conversationId = TeamsClient.conversationId(user);
    const before = this.stub.messages(conversationId).length;
    const response = await this.post(botUrl, this.activity(user, { type: 'message', text }));
    if (response.status >= 300) throw new Error(`the bot answered ${response.status} to "${text}"`);
    return this.stub.messages(conversationId).slice(before);
  }

  /**
   * Presses the Action.Execute titled `title` on a message's current card, with the inputs the person typed.
   * With `apply`, the invoke response's card replaces the message's card in the stub, as the Teams client does.
   */
  async press(
    botUrl: string,
    user: TeamsUser,
    message: StubMessage,
    title: string,
    inputs: Record<string, unknown> = {},
    options: { apply?: boolean } = { apply: true },
  ): Promise<InvokeResult> {
    const { verb, data } = executeAction(currentCard(message), title);
    const started = performance.now();
    const response = await this.post(
      botUrl,
      this.activity(user, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: message.activityId,
        value: { action: { type: 'Action.Execute', verb, data: { ...data, ...inputs } }, trigger: 'manual' },
      }),
    );
    const ms = performance.now() - started;
    const body = response.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    const card = body?.type === ADAPTIVE_CARD ? (body.value as AdaptiveCard) : undefined;
    if (card && options.apply !== false)
      this.stub.applyInvokeResponse(message.conversationId, message.activityId, card);
    return {
      status: response.status === 200 ? (body?.statusCode ?? 200) : response.status,
      card,
      text: typeof body?.value === 'string' ? body.value : undefined,
      ms,
    };
  }

  private activity(user: TeamsUser, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: `activity-${process.pid}-${++this.sequence}`,
      channelId: 'msteams',
      serviceUrl: this.stub.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:${user.id}`, name: user.displayName, aadObjectId: user.id },
      recipient: BOT,
      conversation: {
        id: TeamsClient.conversationId(user),
        conversationType: 'personal',
        tenantId: this.tenantId,
        isGroup: false,
      },
      channelData: { tenant: { id: this.tenantId } },
      locale: 'en-US',
      ...fields,
    };
  }

  private async post(botUrl: string, activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  }
}

/** What the message shows now: its newest version's card. */
export function currentCard(message: StubMessage): AdaptiveCard | undefined {
  const latest = message.versions[message.versions.length - 1];
  return cardOf(latest.activity) as AdaptiveCard | undefined;
}

/** The first Action.Execute titled `title` anywhere on the card (buttons sit in ActionSets too). */
export function executeAction(
  card: AdaptiveCard | undefined,
  title: string,
): { verb: string; data: Record<string, unknown> } {
  const found = findAction(card, title);
  if (!found?.verb) throw new Error(`no Action.Execute "${title}" on card: ${JSON.stringify(card)}`);
  return { verb: found.verb, data: found.data ?? {} };
}

export function hasButton(card: AdaptiveCard | undefined, title: string): boolean {
  return findAction(card, title) !== undefined;
}

type Action = { type?: string; title?: string; verb?: string; data?: Record<string, unknown> };

function findAction(node: unknown, title: string): Action | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAction(item, title);
      if (found) return found;
    }
  } else if (node && typeof node === 'object') {
    const record = node as Action & Record<string, unknown>;
    if (record.type === 'Action.Execute' && record.title === title) return record;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'data') continue;
      const found = findAction(value, title);
      if (found) return found;
    }
  }
  return undefined;
}
