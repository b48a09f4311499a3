/**
 * The feedback loop on model-written answers: each answer sent is remembered under its Teams message id, a
 * like/dislike click (the `message/submitAction` invoke) is stored against it, and admins ask "answer feedback"
 * to see the answers users disliked.
 */
import type { Caller } from '../../access/caller';
import { renderCard } from '../../cards/renderCard';
import { textReply, type Reply } from '../../cards/reply';
import type { DomainContext } from '../../context';
import { AnswerFeedbackStore, type Reaction } from '../../store/answerFeedback';

const COMMAND = /^\s*(?:show\s+)?(?:(?:ai|answer|llm)\s+)?feedback\s*[.!?]?\s*$/i;
const SHOWN = 10;

export function isFeedbackCommand(text: string): boolean {
  return COMMAND.test(text);
}

export async function rememberAnswer(
  ctx: DomainContext,
  answer: { messageId?: string; conversationId?: string; userId: string; question: string; reply: Reply },
): Promise<void> {
  if (!answer.messageId || !answer.conversationId) return;
  const citations = (answer.reply.entities ?? []).flatMap(
    (e) => (e.citation ?? []) as { appearance?: { url?: string; name?: string } }[],
  );
  await new AnswerFeedbackStore(ctx.store.records).rememberAnswer({
    messageId: answer.messageId,
    conversationId: answer.conversationId,
    userId: answer.userId,
    question: answer.question,
    answer: answer.reply.text ?? '',
    sources: citations.map((c) => c.appearance?.url ?? c.appearance?.name ?? '').filter(Boolean),
    at: ctx.clock.now().toISOString(),
  });
}

/** The feedback invoke's value, as Teams sends it; untrusted, so only its expected fields are read. */
export async function recordFeedback(
  ctx: DomainContext,
  caller: Caller,
  input: { conversationId?: string; replyToId?: string; value: unknown },
): Promise<boolean> {
  const value = (input.value ?? {}) as { actionValue?: { reaction?: unknown; feedback?: unknown } };
  const reaction = value.actionValue?.reaction;
  if (reaction !== 'like' && reaction !== 'dislike') return false;
  return new AnswerFeedbackStore(ctx.store.records).recordFeedback({
    conversationId: String(input.conversationId ?? '').slice(0, 500),
    messageId: String(input.replyToId ?? '').slice(0, 200),
    userId: caller.userId,
    reaction: reaction as Reaction,
    comment: feedbackText(value.actionValue?.feedback),
    at: ctx.clock.now().toISOString(),
  });
}

/** "answer feedback": the answers users disliked, for admins only. */
export async function feedbackReply(ctx: DomainContext, caller: Caller): Promise<Reply> {
  if (!(await ctx.access.isAdmin(caller))) return textReply('Only admins can see the feedback on AI answers.');
  const store = new AnswerFeedbackStore(ctx.store.records);
  const rated = await store.recent({ limit: 1000 });
  const disliked = rated.filter((f) => f.reaction === 'dislike');
  return {
    cards: [
      renderCard('answerFeedback', {
        entries: disliked.slice(0, SHOWN).map((f) => ({
          at: f.at.slice(0, 16).replace('T', ' '),
          question: clip(f.question, 200),
          answer: clip(f.answer, 400),
          comment: clip(f.comment, 300),
        })),
        liked: rated.length - disliked.length,
        disliked: disliked.length,
        total: rated.length,
      }),
    ],
  };
}

/** Teams sends the comment as a JSON string {"feedbackText": "…"} (or an object with a custom form). */
function feedbackText(feedback: unknown): string {
  let parsed = feedback;
  if (typeof feedback === 'string') {
    try {
      parsed = JSON.parse(feedback.slice(0, 5000));
    } catch {
      return feedback.slice(0, 500);
    }
  }
  const text = (parsed as { feedbackText?: unknown } | null)?.feedbackText;
  return typeof text === 'string' ? text.slice(0, 500) : '';
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
