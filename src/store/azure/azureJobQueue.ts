/**
 * JobQueue on Azure Storage Queues. The queue counts deliveries itself (dequeueCount); a message seen for the
 * sixth time is moved to the "-poison" queue instead of being handed out. Enqueue with an id records the id in
 * a table so that a second enqueue is a no-op, even after the job completed.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { getLogger } from '../../logging/logger';
import { JobReceiptExpiredError, MAX_DELIVERIES, type JobQueue, type QueuedJob } from '../ports';
import { toJson } from '../toJson';
import { restStatus } from './restStatus';
import { tableKey } from './tableKey';

const log = getLogger('store.jobs');

/** Queue messages hold 64 KiB; leave room for XML escaping. Bigger payloads belong in a record. */
const MAX_MESSAGE_BYTES = 48 * 1024;
/** A message sent for a deduplicated id stays hidden this long unless the id is claimed first (see enqueue). */
const UNCLAIMED_HIDE_SECONDS = 30;
/**
 * A message lives 7 days unless told otherwise (Queue Storage's default time-to-live). A job waits for its worker,
 * and a poisoned one for a sweep, however long the service was down: neither may expire (-1).
 */
const FOREVER = -1;
/** Queue Storage hands out at most 32 messages per call and peeks at most 32. */
const BATCH = 32;
/**
 * How long listPoison hides the poison messages it has seen while it reaches the rest (it shows them again as soon
 * as it has all of them); only a listing that dies midway leaves them hidden this long.
 */
const POISON_LISTING_HIDE_SECONDS = 30;

interface Body {
  id: string;
  type: string;
  payload: unknown;
  dequeueCount?: number;
}

export class AzureJobQueue implements JobQueue {
  constructor(
    private readonly queue: QueueClient,
    private readonly poison: QueueClient,
    private readonly jobIds: TableClient,
  ) {}

  async enqueue<T>(type: string, payload: T, options: { delayMs?: number; id?: string } = {}): Promise<string> {
    const id = options.id ?? randomUUID();
    const body = toJson({ id, type, payload }, `job ${type}`);
    if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) {
      throw new RangeError(
        `The ${type} job payload is over ${MAX_MESSAGE_BYTES} bytes; store it as a record and enqueue its key.`,
      );
    }
    const delaySeconds = Math.max(0, Math.ceil((options.delayMs ?? 0) / 1000));
    if (options.id === undefined) {
      await this.queue.sendMessage(body, { visibilityTimeout: delaySeconds, messageTimeToLive: FOREVER });
      return id;
    }
    // Send hidden first, then claim the id: a crash in between delays the job instead of losing it, and a
    // loser of a concurrent enqueue deletes its own message before any worker could see it.
    const hidden = Math.max(delaySeconds, UNCLAIMED_HIDE_SECONDS);
    const sent = await this.queue.sendMessage(body, { visibilityTimeout: hidden, messageTimeToLive: FOREVER });
    try {
      await this.jobIds.createEntity({ partitionKey: tableKey(id), rowKey: 'job', messageId: sent.messageId });
    } catch (error) {
      await this.queue.deleteMessage(sent.messageId, sent.popReceipt).catch(() => undefined);
      if (restStatus(error) === 409) return id;
      throw error;
    }
    if (hidden !== delaySeconds)
      await this.queue.updateMessage(sent.messageId, sent.popReceipt, undefined, delaySeconds);
    return id;
  }

  async receive(options: { max?: number; visibilityTimeoutMs: number }): Promise<QueuedJob[]> {
    const max = Math.max(1, options.max ?? 1);
    const visibilityTimeout = Math.max(1, Math.ceil(options.visibilityTimeoutMs / 1000));
    const jobs: QueuedJob[] = [];
    for (;;) {
      const wanted = Math.min(BATCH, max - jobs.length);
      const { receivedMessageItems: messages } = await this.queue.receiveMessages({
        numberOfMessages: wanted,
        visibilityTimeout,
      });
      for (const message of messages) {
        const body = parseBody(message.messageText);
        if (!body || message.dequeueCount > MAX_DELIVERIES) {
          await this.moveToPoison(message, body);
          continue;
        }
        jobs.push({
          id: body.id,
          type: body.type,
          payload: body.payload,
          dequeueCount: message.dequeueCount,
          receipt: `${message.messageId}:${message.popReceipt}`,
        });
      }
      if (jobs.length >= max || messages.length < wanted) return jobs;
    }
  }

  async complete(job: QueuedJob): Promise<void> {
    const [messageId, popReceipt] = splitReceipt(job);
    try {
      await this.queue.deleteMessage(messageId, popReceipt);
    } catch (error) {
      const status = restStatus(error);
      if (status === 404) return; // already completed (or moved to poison)
      if (status === 400) throw new JobReceiptExpiredError(job.id); // PopReceiptMismatch: redelivered since
      throw error;
    }
  }

  async extend(job: QueuedJob, visibilityTimeoutMs: number): Promise<QueuedJob> {
    const [messageId, popReceipt] = splitReceipt(job);
    try {
      const seconds = Math.max(0, Math.ceil(visibilityTimeoutMs / 1000));
      const updated = await this.queue.updateMessage(messageId, popReceipt, undefined, seconds);
      if (!updated.popReceipt) throw new Error('Queue storage returned no pop receipt for an update.');
      return { ...job, receipt: `${messageId}:${updated.popReceipt}` };
    } catch (error) {
      const status = restStatus(error);
      if (status === 404 || status === 400) throw new JobReceiptExpiredError(job.id);
      throw error;
    }
  }

  /**
   * Every message on the poison queue. A peek sees only the first 32, so the listing receives them instead: a
   * received message is hidden, and the next receive reaches the ones behind it. Once all are seen they are shown
   * again at once, so the listing changes nothing for the next pass or another instance (one listing at the same
   * time may see fewer, as this one holds the rest, and this one's pass recovers them). A listing that dies
   * midway leaves them hidden for POISON_LISTING_HIDE_SECONDS only.
   */
  async listPoison(): Promise<QueuedJob[]> {
    const seen = new Map<string, DequeuedMessageItem>();
    try {
      for (;;) {
        const { receivedMessageItems: messages } = await this.poison.receiveMessages({
          numberOfMessages: BATCH,
          visibilityTimeout: POISON_LISTING_HIDE_SECONDS,
        });
        let unseen = 0;
        for (const message of messages) {
          if (!seen.has(message.messageId)) unseen++;
          // A message seen again (it reappeared during a very long listing) is shown again with its latest receipt.
          seen.set(message.messageId, message);
        }
        if (messages.length < BATCH || unseen === 0) break;
      }
    } finally {
      await this.showAgain([...seen.values()]);
    }
    return [...seen.values()].map((message) => {
      const body = parseBody(message.messageText);
      return {
        id: body?.id ?? message.messageId,
        type: body?.type ?? 'unreadable',
        payload: body ? body.payload : message.messageText,
        dequeueCount: body?.dequeueCount ?? MAX_DELIVERIES,
        receipt: '',
      };
    });
  }

  /** Makes poison messages received by a listing visible again, BATCH requests at a time. */
  private async showAgain(messages: DequeuedMessageItem[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      await Promise.all(
        messages.slice(i, i + BATCH).map((message) =>
          this.poison
            .updateMessage(message.messageId, message.popReceipt, undefined, 0)
            // Received again by another listing since (or gone): that one shows it again, or it reappears by itself.
            .catch((error: unknown) => log.debug({ err: error }, 'poison message left to reappear by itself')),
        ),
      );
    }
  }

  private async moveToPoison(message: DequeuedMessageItem, body: Body | undefined): Promise<void> {
    const moved: Body = body
      ? { ...body, dequeueCount: message.dequeueCount - 1 }
      : {
          id: message.messageId,
          type: 'unreadable',
          payload: message.messageText,
          dequeueCount: message.dequeueCount - 1,
        };
    await this.poison.sendMessage(JSON.stringify(moved), { messageTimeToLive: FOREVER });
    await this.queue.deleteMessage(message.messageId, message.popReceipt);
    log.warn({ jobId: moved.id, jobType: moved.type, deliveries: moved.dequeueCount }, 'job moved to the poison queue');
  }
}

function parseBody(text: string): Body | undefined {
  try {
    const body = JSON.parse(text) as Partial<Body>;
    return typeof body.id === 'string' && typeof body.type === 'string' ? (body as Body) : undefined;
  } catch {
    return undefined;
  }
}

function splitReceipt(job: QueuedJob): [string, string] {
  const at = job.receipt.indexOf(':');
  if (at < 0) throw new JobReceiptExpiredError(job.id);
  return [job.receipt.slice(0, at), job.receipt.slice(at + 1)];
}
