/**
 * Model-written text, marked the Teams way: a plain text message (not the curated answer card) carrying the
 * AI-generated label and the in-text citations as a schema.org Message entity, with the feedback buttons on.
 * This is the shape teams-ai's own say command sends.
 */
import type { Reply } from '../../cards/reply';
import type { AnswerCitation } from './llmCitations';

export function aiMessage(text: string, citations: AnswerCitation[] = []): Reply {
  return {
    text,
    cards: [],
    entities: [
      {
        type: 'https://schema.org/Message',
        '@type': 'Message',
        '@context': 'https://schema.org',
        '@id': '',
        additionalType: ['AIGeneratedContent'],
        ...(citations.length
          ? {
              citation: citations.map((c) => ({
                '@type': 'Claim',
                position: c.position,
                appearance: {
                  '@type': 'DigitalDocument',
                  name: c.title,
                  abstract: c.abstract,
                  ...(c.url ? { url: c.url } : {}),
                },
              })),
            }
          : {}),
      },
    ],
    channelData: { feedbackLoopEnabled: true },
  };
}
