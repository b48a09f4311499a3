/**
 * Answers written by the model and what users thought of them (Teams' like/dislike buttons), so that an admin
 * can see which answers users disliked. Built on the RecordStore port, so SQLite and Azure Storage both keep it.
 * Feedback is accepted only on an answer the bot recorded, and only from the person it answered: a forged
 * feedback invoke cannot attach words to another conversation's message. Everything stored is bounded.
 */
import { createHash } from 'node:crypto';
import type { RecordStore } from './ports';

const ANSWERS = 'llmAnswers';
const FEEDBACK = 'answerFeedback';
const MAX_QUESTION = 500;
const MAX_ANSWER = 2000;
const MAX_COMMENT = 500;
/** How many feedback records an admin listing looks at (newest first after sorting). */
const MAX_SCANNED = 1000;

export interface AnsweredMessage {
  /** The Teams message id of the bot's answer (the feedback invoke's replyToId). */
  messageId: string;
  conversationId: string;
  /** Entra object id of the person who asked. */
  userId: string;
  question: string;
  answer: string;
  sources: string[];
  at: string;
}

export type Reaction = 'like' | 'dislike';

export interface AnswerFeedback {
  userId: string;
  reaction: Reaction;
  comment: string;
  at: string;
  question: string;
  answer: string;
  sources: string[];
}

export class AnswerFeedbackStore {
  constructor(private readonly records: RecordStore) {}

  async rememberAnswer(answer: AnsweredMessage): Promise<void> {
    await this.records.put<AnsweredMessage>(ANSWERS, messageKey(answer.conversationId, answer.messageId), {
      ...answer,
      question: answer.question.slice(0, MAX_QUESTION),
      answer: answer.answer.slice(0, MAX_ANSWER),
      sources: answer.sources.slice(0, 10).map((s) => s.slice(0, 500)),
    });
  }

  /** Records a reaction; false when there is no such answer to this person (nothing is stored then). */
  async recordFeedback(input: {
    conversationId: string;
    messageId: string;
    userId: string;
    reaction: Reaction;
    comment: string;
    at: string;
  }): Promise<boolean> {
    if (!input.messageId || !input.conversationId) return false;
    const key = messageKey(input.conversationId, input.messageId);
    const answer = (await this.records.get<AnsweredMessage>(ANSWERS, key))?.value;
    if (!answer || answer.userId !== input.userId) return false;
    const feedback: AnswerFeedback = {
      userId: input.userId,
      reaction: input.reaction,
      comment: input.comment.slice(0, MAX_COMMENT),
      at: input.at,
      question: answer.question,
      answer: answer.answer,
      sources: answer.sources,
    };
    // One reaction per answer: a second click replaces the first.
    await this.records.put<AnswerFeedback>(FEEDBACK, key, feedback);
    return true;
  }

  /** Feedback, newest first, optionally only one reaction. */
  async recent(options: { reaction?: Reaction; limit: number }): Promise<AnswerFeedback[]> {
    const found: AnswerFeedback[] = [];
    for await (const record of this.records.list<AnswerFeedback>(FEEDBACK, { limit: MAX_SCANNED })) {
      if (!options.reaction || record.value.reaction === options.reaction) found.push(record.value);
    }
    return found.sort((a, b) => b.at.localeCompare(a.at)).slice(0, options.limit);
  }
}

/** Conversation and message ids are long and full of characters store keys dislike; a hash is neither. */
function messageKey(conversationId: string, messageId: string): string {
  return createHash('sha256').update(`${conversationId}\n${messageId}`).digest('hex').slice(0, 40);
}
