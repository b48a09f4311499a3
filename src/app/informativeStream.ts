/**
 * A Teams stream (teams-ai's StreamingResponse) used for informative updates ("Reading environments: 120 of 204")
 * and then one final message. StreamingResponse waits about 1.5 s after every send (Teams accepts about one
 * streaming request a second), so updates are batched here: the newest text replaces one still waiting, and only
 * the latest state goes out when the stream is free again. Streaming exists only in one-on-one chats.
 */
import { StreamingResponse } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Reply } from '../cards/reply';
import { getLogger } from '../logging/logger';
import { replyToActivity } from './activities';

const log = getLogger('app');

/** Teams refuses an informative update over 1,000 characters. */
const MAX_INFORMATIVE_CHARS = 1000;

/** True in a one-on-one chat with the bot, the only place Teams streams. */
export function canStream(context: TurnContext): boolean {
  const conversation = context.activity.conversation;
  return conversation?.conversationType === 'personal' || conversation?.isGroup === false;
}

export class InformativeStream {
  private readonly response: StreamingResponse;
  private pending?: string;
  private pumping?: Promise<void>;
  private closed = false;
  private failed = false;

  constructor(context: TurnContext) {
    this.response = new StreamingResponse(context);
  }

  /** True once anything has been queued on the stream (the turn must then end it rather than send a reply). */
  get started(): boolean {
    return this.pumping !== undefined || this.response.updatesSent > 0;
  }

  /** Shows `text` as the informative update: at once when the stream is free, else after the send in flight. */
  inform(text: string): void {
    if (this.closed || this.failed) return;
    this.pending = text.length > MAX_INFORMATIVE_CHARS ? `${text.slice(0, MAX_INFORMATIVE_CHARS - 1)}…` : text;
    this.pumping ??= this.pump();
  }

  /**
   * Ends the stream with `reply` as its final message: its text, cards, citations, AI-generated label and
   * feedback buttons. Returns the final message's id (the stream's), or throws when the stream could not be used.
   */
  async finish(reply: Reply): Promise<string | undefined> {
    this.closed = true;
    this.pending = undefined;
    if (this.failed) throw new Error('the stream could not be sent');
    const activity = replyToActivity(reply);
    if (activity.attachments?.length) this.response.setAttachments(activity.attachments);
    const ai = (reply.entities ?? []).find((e) =>
      JSON.stringify(e.additionalType ?? '').includes('AIGeneratedContent'),
    );
    if (ai) {
      this.response.setGeneratedByAILabel(true);
      // Our citations already carry their link and numbering; StreamingResponse.setCitations would drop the link.
      const citations = (ai.citation ?? []) as NonNullable<StreamingResponse['citations']>;
      this.response.citations?.push(...citations);
    }
    if (reply.channelData?.feedbackLoopEnabled === true) this.response.setFeedbackLoop(true);
    // Queued behind an update still being sent, the text and the end leave as one final message (on an idle
    // stream the text goes first as a streamed chunk, then the final message).
    this.response.queueTextChunk(reply.text ?? '');
    await this.response.endStream();
    await this.pumping;
    if (this.failed) throw new Error('the stream could not be sent');
    return this.response.streamId;
  }

  private async pump(): Promise<void> {
    try {
      while (this.pending !== undefined && !this.failed) {
        const text = this.pending;
        this.pending = undefined;
        this.response.queueInformativeUpdate(text);
        await this.response.waitForQueue();
      }
    } catch (error) {
      this.failed = true;
      log.warn({ err: error }, 'could not send an informative update');
    } finally {
      this.pumping = undefined;
    }
  }
}
