/**
 * Grounding for the LLM planner: a teams-ai DataSource that retrieves the knowledge passages for the user's
 * message and renders them, numbered with their source titles and URLs, into the prompt. The passages it
 * rendered are kept in turn memory so that the model's citations ([1], [2]) can be checked and mapped back to
 * their sources afterwards: only what the model was actually shown can be cited.
 */
import type { DataSource, Memory, RenderedPromptSection, Tokenizer } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';

export interface KnowledgeSource {
  title: string;
  url: string;
}

/** The shape of src/knowledge's KnowledgeAnswer that grounding needs; the real answer type passes through. */
export interface KnowledgeAnswerLike {
  confident: boolean;
  title?: string;
  passage?: string;
  sources: KnowledgeSource[];
}

/** Best passages first. Only confident passages belong here: a weak match invites confident-sounding trivia. */
export type PassageRetriever<A extends KnowledgeAnswerLike> = (question: string) => A[];

/** Adapts the local answerer (one best answer per question) into a retriever. */
export function retrieverFromAnswerer<A extends KnowledgeAnswerLike>(answerer: {
  answer(question: string): A;
}): PassageRetriever<A> {
  return (question) => {
    const answer = answerer.answer(question);
    return answer.confident && answer.passage?.trim() ? [answer] : [];
  };
}

export const KNOWLEDGE_DATA_SOURCE = 'knowledge';
const SHOWN_PASSAGES = 'temp.groundingPassages';
const MAX_PASSAGES = 3;

export class KnowledgeDataSource<A extends KnowledgeAnswerLike> implements DataSource {
  readonly name = KNOWLEDGE_DATA_SOURCE;

  constructor(private readonly retrieve: PassageRetriever<A>) {}

  async renderData(
    _context: TurnContext,
    memory: Memory,
    tokenizer: Tokenizer,
    maxTokens: number,
  ): Promise<RenderedPromptSection<string>> {
    const question = String(memory.getValue('temp.input') ?? '').trim();
    const candidates = question ? this.retrieve(question).slice(0, MAX_PASSAGES) : [];
    const shown: A[] = [];
    let output = 'Knowledge passages (cite by number):';
    for (const passage of candidates) {
      const block = `\n\n[${shown.length + 1}] ${passage.title ?? ''}\n${(passage.passage ?? '').trim()}\nSources: ${passage.sources
        .map((s) => `${s.title} <${s.url}>`)
        .join('; ')}`;
      // A passage is shown whole or not at all: a truncated passage could be cited for what it no longer says.
      if (tokenizer.encode(output + block).length > maxTokens) break;
      output += block;
      shown.push(passage);
    }
    if (shown.length === 0) output += '\n\n(none found for this message)';
    memory.setValue(SHOWN_PASSAGES, shown);
    return { output, length: tokenizer.encode(output).length, tooLong: false };
  }
}

/** The passages the data source showed the model in this turn, in their cited numbering (1-based). */
export function shownPassages<A extends KnowledgeAnswerLike>(memory: Memory): A[] {
  const value = memory.getValue(SHOWN_PASSAGES);
  return Array.isArray(value) ? (value as A[]) : [];
}
