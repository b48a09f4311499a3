/**
 * A loopback Bot Framework connector for tests and benches that run the bot over HTTP: activities sent to the bot
 * carry this server's URL as `serviceUrl`, so every reply, proactive message and card update the bot makes comes
 * here. It answers the connector REST calls like the real service (new ids for posted activities, 201 for a new
 * conversation) and keeps what each message of each conversation shows now — the test's view of "what the people
 * see in Teams". Invoke responses go back to whoever sent the invoke, not through the connector: a test that plays
 * the Teams client applies them with applyInvokeResponse, as the client does when the response arrives.
 *
 *   POST   /v3/conversations                                  create a conversation (proactive 1:1)
 *   POST   /v3/conversations/{id}/activities                  send to a conversation
 *   POST   /v3/conversations/{id}/activities/{replyToId}      reply to an activity
 *   PUT    /v3/conversations/{id}/activities/{activityId}     update a message
 *   DELETE /v3/conversations/{id}/activities/{activityId}     delete a message
 * Anything else is answered 404 and recorded in `unexpected`. With `enforceLimits`, messages beyond Teams' limits
 * per conversation (teamsLimitsEnforcer.ts) are answered 429 with Retry-After and counted in `throttled`.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsLimitsEnforcer } from './teamsLimitsEnforcer';

export interface PostedActivity {
  type?: string;
  text?: string;
  attachments?: { contentType?: string; content?: unknown }[];
  [key: string]: unknown;
}

/** One message as it stands now, with every version it had (first = as posted). */
export interface StubMessage {
  conversationId: string;
  activityId: string;
  versions: { via: 'post' | 'update' | 'invokeResponse'; activity: PostedActivity }[];
}

export interface ConnectorStub {
  /** The serviceUrl to put on activities sent to the bot (ends with a slash, like the real ones). */
  serviceUrl: string;
  /** Every message (not typing indicators) per conversation, in the order they were posted. */
  messages(conversationId: string): StubMessage[];
  allMessages(): StubMessage[];
  /** Conversations the bot created with POST /v3/conversations: member id → conversation id. */
  createdConversations: Map<string, string>;
  /** The card an invoke response carried replaces the card of the message the button was on. */
  applyInvokeResponse(conversationId: string, activityId: string, card: unknown): void;
  /** Requests the stub does not know (a new connector call the bot started making). */
  unexpected: string[];
  /** Counts per call kind, e.g. {send: 10, reply: 4, update: 100, createConversation: 2, typing: 7, throttled: 3}. */
  counts: Record<string, number>;
  close(): Promise<void>;
}

/** The Adaptive Card a message carries, if any. */
export function cardOf(activity: PostedActivity): Record<string, unknown> | undefined {
  const attachment = activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}

export async function startConnectorStub(options: { enforceLimits?: boolean } = {}): Promise<ConnectorStub> {
  const limits = options.enforceLimits ? new TeamsLimitsEnforcer() : undefined;
  const byConversation = new Map<string, StubMessage[]>();
  const byActivity = new Map<string, StubMessage>();
  const createdConversations = new Map<string, string>();
  const unexpected: string[] = [];
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  const keyOf = (conversationId: string, activityId: string) => `${conversationId}|${activityId}`;

  const post = (conversationId: string, activity: PostedActivity): string => {
    const activityId = randomUUID();
    if (activity.type === 'typing') return activityId;
    const message: StubMessage = { conversationId, activityId, versions: [{ via: 'post', activity }] };
    const list = byConversation.get(conversationId) ?? [];
    list.push(message);
    byConversation.set(conversationId, list);
    byActivity.set(keyOf(conversationId, activityId), message);
    return activityId;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return reply(400, { error: { code: 'BadArgument', message: 'The body is not JSON.' } });
      }
      const path = new URL(req.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '');
      const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
      const method = req.method ?? 'GET';
      // ['v3', 'conversations', id?, 'activities'?, activityId?]
      if (parts[0] !== 'v3' || parts[1] !== 'conversations') return notFound();
      if (parts.length === 2 && method === 'POST') {
        count('createConversation');
        const member = (body.members as { id?: string }[] | undefined)?.[0]?.id ?? randomUUID();
        const id = createdConversations.get(member) ?? `a:${randomUUID()}`;
        createdConversations.set(member, id);
        return reply(201, { id });
      }
      const [, , conversationId, activities, activityId] = parts;
      if (activities !== 'activities' || parts.length > 5) return notFound();
      const activity = body as PostedActivity;
      const retryAfterMs = activity.type === 'typing' || method === 'DELETE' ? 0 : (limits?.admit(conversationId) ?? 0);
      if (retryAfterMs > 0) {
        count('throttled');
        res.setHeader('retry-after', String(retryAfterMs / 1000));
        return reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests to this conversation.' } });
      }
      if (method === 'POST') {
        count(activity.type === 'typing' ? 'typing' : activityId ? 'reply' : 'send');
        return reply(200, { id: post(conversationId, activity) });
      }
      if (!activityId) return notFound();
      const existing = byActivity.get(keyOf(conversationId, activityId));
      if (method === 'PUT') {
        count('update');
        if (!existing) {
          return reply(404, { error: { code: 'ActivityNotFoundInConversation', message: 'No such activity.' } });
        }
        existing.versions.push({ via: 'update', activity });
        return reply(200, { id: activityId });
      }
      if (method === 'DELETE') {
        count('delete');
        if (existing) byActivity.delete(keyOf(conversationId, activityId));
        return reply(200);
      }
      return notFound();

      function notFound() {
        unexpected.push(`${method} ${path}`);
        reply(404, { error: { code: 'NotFound', message: `The stub connector does not serve ${method} ${path}.` } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    messages: (conversationId) => [...(byConversation.get(conversationId) ?? [])],
    allMessages: () => [...byConversation.values()].flat(),
    createdConversations,
    applyInvokeResponse: (conversationId, activityId, card) => {
      const message = byActivity.get(keyOf(conversationId, activityId));
      if (!message) throw new Error(`no message ${activityId} in ${conversationId} to apply an invoke response to`);
      message.versions.push({
        via: 'invokeResponse',
        activity: {
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
        },
      });
    },
    unexpected,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
