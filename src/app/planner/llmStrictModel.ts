/**
 * A PromptCompletionModel wrapper that refuses tool calls whose arguments are not a JSON object. teams-ai's
 * ToolsAugmentation would log the parse error to the console and run the action with empty parameters, which
 * for an action with only optional parameters (diagnoseFlow) silently changes what the user asked for.
 */
import type { Memory, PromptCompletionModel, PromptFunctions, PromptTemplate, Tokenizer } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';

// teams-ai does not export PromptResponse from its package root.
type PromptResponse = Awaited<ReturnType<PromptCompletionModel['completePrompt']>>;

export class StrictToolCallsModel implements PromptCompletionModel {
  constructor(private readonly inner: PromptCompletionModel) {}

  get events() {
    return this.inner.events;
  }

  async completePrompt(
    context: TurnContext,
    memory: Memory,
    functions: PromptFunctions,
    tokenizer: Tokenizer,
    template: PromptTemplate,
  ): Promise<PromptResponse> {
    const response = await this.inner.completePrompt(context, memory, functions, tokenizer, template);
    for (const call of response.message?.action_calls ?? []) {
      const args = call.function?.arguments ?? '';
      if (args.trim() === '') continue;
      if (!isJsonObject(args)) {
        return {
          status: 'invalid_response',
          error: new Error(
            `The model called ${String(call.function?.name)} with arguments that are not a JSON object.`,
          ),
        };
      }
    }
    return response;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
