/**
 * The optional LLM planner (Azure OpenAI through teams-ai's ActionPlanner). It offers the model the same actions
 * the local planner produces, plus grounded answers: the model either calls one action, whose parameters are
 * validated like any untrusted input, or answers a question from the knowledge passages it was shown and cites
 * them. A read-only action runs; an action with effects only produces a card the user confirms (llmConfirm). A
 * cited answer whose facts and links check out (llmCitations), or a clarifying question that states nothing
 * (llmClarify), is sent as an AI-labelled message with citations and feedback buttons (llmReply). Anything else
 * (timeout, 429, an error, invalid arguments, an unknown action, an ungrounded answer) falls back to the local
 * planner, which stays the default and must be good on its own.
 *
 * In a one-on-one chat, a model slower than informAfterMs is announced with an informative update and its answer
 * (whatever it turns out to be) ends that stream as the final message, citations, label and feedback buttons
 * included. The model's text is not streamed as it is written: it is checked (facts, links, citations) only once
 * complete, and text that check refuses must never have been on screen.
 *
 * The teams-ai AI instance is used as a planner only: its action handlers record what the model chose and stop
 * the plan, and the chat edge then runs the Intent through the same dispatcher as the local planner. The model
 * call lives within the turn's budget: when it is spent the request is aborted (llmTurnSignal), never retried.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AI,
  ActionPlanner,
  OpenAIModel,
  PromptManager,
  TurnState,
  type PredictedSayCommand,
  type PromptCompletionModel,
} from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Caller } from '../../access/caller';
import type { Reply } from '../../cards/reply';
import type { Config } from '../../config';
import { getLogger, registerSecretValue } from '../../logging/logger';
import { handleIntent } from '../dispatch';
import type { ActionResult, BotServices, TurnStreams } from '../services';
import type { Intent } from './intents';
import {
  KnowledgeDataSource,
  shownPassages,
  type KnowledgeAnswerLike,
  type PassageRetriever,
} from './knowledgeDataSource';
import { llmActionNames, intentFromAction, type LlmActionName } from './llmActions';
import { groundAnswer } from './llmCitations';
import { isFactFreeReply } from './llmClarify';
import { confirmationCard, hasEffects } from './llmConfirm';
import { routeConsoleToLogger } from './llmConsole';
import { feedbackReply, isFeedbackCommand, rememberAnswer } from './llmFeedback';
import { aiMessage } from './llmReply';
import { StrictToolCallsModel } from './llmStrictModel';
import { turnAwareFetch, withTurnSignal } from './llmTurnSignal';
import { planLocally } from './localPlanner';

const log = getLogger('llm-planner');

const PROMPT = 'plan';
const DEFAULT_TIMEOUT_MS = 8000;
const DEFAULT_INFORM_AFTER_MS = 2000;
/** The informative update shown while the model writes a knowledge answer. */
export const READING_ARTICLES = 'Reading the knowledge articles to answer you…';
/** GA version with tool calling; teams-ai's default (2023-05-15) predates tools. */
const AZURE_API_VERSION = '2024-10-21';

export type LlmPlan =
  | { kind: 'intent'; intent: Intent; by: 'llm' | 'local'; fallbackReason?: string }
  /** Model-written text (a cited answer, a clarifying question), AI-labelled, with feedback buttons. */
  | { kind: 'aiMessage'; reply: Reply; by: 'llm' }
  /** An action with effects the model proposed: a card the user confirms before anything happens. */
  | { kind: 'confirm'; action: LlmActionName; reply: Reply; by: 'llm' };

export interface LlmPlanner {
  /** What the message asks for: an Intent for the dispatcher, or a reply already rendered. */
  plan(context: TurnContext, text: string, streams?: TurnStreams): Promise<LlmPlan>;
  /** plan() then the same dispatcher as the local planner: the one call the message route needs. */
  respond(
    services: BotServices,
    context: TurnContext,
    caller: Caller,
    text: string,
    streams?: TurnStreams,
  ): Promise<ActionResult>;
}

export interface LlmPlannerDeps<A extends KnowledgeAnswerLike> {
  /** The knowledge passages for a question, best first (see retrieverFromAnswerer). */
  retrieve: PassageRetriever<A>;
  /** The completion model; selectPlanner builds Azure OpenAI's from the config, tests pass teams-ai's TestModel. */
  model?: PromptCompletionModel;
  /** Longest wait for the model before the local planner takes over. */
  timeoutMs?: number;
  /**
   * Let the local planner's anchored commands ("scan now", "rotate the secret of X") skip the model: they are
   * already unambiguous, and a model call would only add latency and cost. Questions always go to the model.
   */
  localFirst?: boolean;
  /**
   * When the model has not answered after this long, a one-on-one chat is told what the bot is doing (an
   * informative update); its answer then ends that stream, citations and all. Quick answers stream nothing, so
   * they cost no stream round trips (StreamingResponse waits about 1.5 s after each send).
   */
  informAfterMs?: number;
}

type Outcome =
  | { kind: 'intent'; intent: Intent; action: LlmActionName; parameters: Record<string, unknown> }
  | { kind: 'say'; text: string }
  | { kind: 'failed'; reason: string };

/** The LLM planner when AZURE_OPENAI_ENDPOINT, _API_KEY and _DEPLOYMENT are all set; otherwise undefined. */
export function selectPlanner<A extends KnowledgeAnswerLike>(
  config: Pick<Config, 'AZURE_OPENAI_ENDPOINT' | 'AZURE_OPENAI_API_KEY' | 'AZURE_OPENAI_DEPLOYMENT'> &
    Partial<Pick<Config, 'AZURE_OPENAI_TIMEOUT_MS'>>,
  deps: LlmPlannerDeps<A>,
): LlmPlanner | undefined {
  const { AZURE_OPENAI_ENDPOINT: endpoint, AZURE_OPENAI_API_KEY: apiKey, AZURE_OPENAI_DEPLOYMENT: deployment } = config;
  if (!endpoint?.trim() || !apiKey?.trim() || !deployment?.trim()) return undefined;
  registerSecretValue(apiKey);
  routeConsoleToLogger();
  const timeoutMs = deps.timeoutMs ?? config.AZURE_OPENAI_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS;
  const model =
    deps.model ??
    new OpenAIModel({
      azureEndpoint: endpoint,
      azureApiKey: apiKey,
      azureDefaultDeployment: deployment,
      azureApiVersion: AZURE_API_VERSION,
      // Instructions and passages stay a system message, apart from the user's (untrusted) words.
      useSystemMessages: true,
      // No retries: within a turn's budget a 429 or a slow model is better answered by the local planner, and a
      // retry after the turn gave up would only cost (Retry-After can say 30 s). The turn's signal aborts the call.
      clientOptions: { timeout: timeoutMs, maxRetries: 0, fetch: turnAwareFetch },
    });
  log.info({ deployment }, 'LLM planner enabled (Azure OpenAI); the local planner remains the fallback');
  return createLlmPlanner({ ...deps, model, timeoutMs });
}

export function createLlmPlanner<A extends KnowledgeAnswerLike>(
  deps: LlmPlannerDeps<A> & { model: PromptCompletionModel },
): LlmPlanner {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const localFirst = deps.localFirst ?? true;
  const informAfterMs = deps.informAfterMs ?? DEFAULT_INFORM_AFTER_MS;
  const prompts = new PromptManager({ promptsFolder: promptsFolder() });
  prompts.addDataSource(new KnowledgeDataSource(deps.retrieve));
  const planner = new ActionPlanner<TurnState>({
    model: new StrictToolCallsModel(deps.model),
    prompts,
    defaultPrompt: PROMPT,
    // Tool calls are validated here, not repaired by asking the model again: the fallback is cheaper.
    max_repair_attempts: 0,
  });
  const outcomes = new WeakMap<TurnState, Outcome>();
  const ai = new AI<TurnState>({ planner, allow_looping: false });
  // The first command decides (a parallel second tool call is ignored); every handler stops the plan so nothing
  // runs or is sent from inside teams-ai.
  const decide = (state: TurnState, outcome: Outcome): string => {
    if (!outcomes.has(state)) outcomes.set(state, outcome);
    return AI.StopCommandName;
  };
  for (const name of llmActionNames) {
    ai.action(name, async (_context, state, parameters: unknown) => {
      const parsed = intentFromAction(name, parameters);
      return decide(
        state,
        parsed.ok
          ? { kind: 'intent', intent: parsed.intent, action: name, parameters: parsed.parameters }
          : { kind: 'failed', reason: parsed.problem },
      );
    });
  }
  ai.action(AI.SayCommandActionName, async (_context, state, command: PredictedSayCommand) =>
    decide(state, { kind: 'say', text: String(command.response?.content ?? '') }),
  );
  ai.action(AI.UnknownActionName, async (_context, state, _plan: unknown, action?: string) =>
    decide(state, { kind: 'failed', reason: `unknown action "${String(action).slice(0, 80)}"` }),
  );
  ai.action(AI.HttpErrorActionName, async (_context, state, error: unknown) =>
    decide(state, { kind: 'failed', reason: describeError(error) }),
  );
  ai.action(AI.TooManyStepsActionName, async (_context, state) =>
    decide(state, { kind: 'failed', reason: 'too many steps' }),
  );

  async function runModel(
    context: TurnContext,
    text: string,
    streams: TurnStreams,
  ): Promise<{ outcome: Outcome; state: TurnState }> {
    const state = new TurnState();
    await state.load(context);
    Object.assign(state.temp, { input: text, inputFiles: [], lastOutput: '', actionOutputs: {}, authTokens: {} });
    const turn = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const inform = streams.inform;
    const informTimer = inform && setTimeout(() => inform(READING_ARTICLES), informAfterMs);
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const running = withTurnSignal(turn.signal, () => ai.run(context, state));
    // Once the turn has given up, whatever the aborted run still does is of no interest.
    running.catch(() => undefined);
    try {
      const finished = await Promise.race([running.then(() => 'done' as const), timeout]);
      if (finished === 'timeout')
        return { outcome: { kind: 'failed', reason: `no answer within ${timeoutMs} ms` }, state };
      return { outcome: outcomes.get(state) ?? { kind: 'failed', reason: 'the model returned an empty plan' }, state };
    } finally {
      clearTimeout(timer);
      clearTimeout(informTimer);
      turn.abort();
    }
  }

  async function plan(context: TurnContext, text: string, streams: TurnStreams = {}): Promise<LlmPlan> {
    const local = await planLocally(text);
    if (localFirst && local.kind !== 'question') return { kind: 'intent', intent: local, by: 'local' };

    const fallBack = (reason: string): LlmPlan => {
      log.warn({ reason, activityId: context.activity?.id }, 'LLM planner fell back to the local planner');
      return { kind: 'intent', intent: local, by: 'local', fallbackReason: reason };
    };
    let result: { outcome: Outcome; state: TurnState };
    try {
      result = await runModel(context, text, streams);
    } catch (error) {
      return fallBack(describeError(error));
    }
    const { outcome, state } = result;
    switch (outcome.kind) {
      case 'failed':
        return fallBack(outcome.reason);
      case 'intent':
        log.info({ action: outcome.action, activityId: context.activity?.id }, 'LLM planner chose an action');
        if (hasEffects(outcome.action)) {
          return {
            kind: 'confirm',
            action: outcome.action,
            reply: confirmationCard(outcome.action, outcome.parameters, outcome.intent),
            by: 'llm',
          };
        }
        return { kind: 'intent', intent: outcome.intent, by: 'llm' };
      case 'say': {
        const grounded = groundAnswer(outcome.text, shownPassages<A>(state));
        if (grounded.ok) {
          log.info(
            { sources: grounded.citations.length, activityId: context.activity?.id },
            'LLM planner answered from the knowledge passages',
          );
          return { kind: 'aiMessage', reply: aiMessage(grounded.text, grounded.citations), by: 'llm' };
        }
        if (isFactFreeReply(outcome.text, text)) {
          log.info({ activityId: context.activity?.id }, 'LLM planner asked back');
          return { kind: 'aiMessage', reply: aiMessage(outcome.text.trim()), by: 'llm' };
        }
        return fallBack(grounded.problem);
      }
    }
  }

  return {
    plan,
    async respond(services, context, caller, text, streams = {}) {
      if (isFeedbackCommand(text)) return { reply: await feedbackReply(services.ctx, caller) };
      const planned = await plan(context, text, streams);
      if (planned.kind === 'intent') return handleIntent(services, caller, planned.intent, streams);
      if (planned.kind === 'confirm') return { reply: planned.reply };
      return {
        reply: planned.reply,
        // Remembered under the id Teams gives the message, which is what its feedback buttons refer to.
        afterSend: (messageId) =>
          rememberAnswer(services.ctx, {
            messageId,
            conversationId: context.activity.conversation?.id,
            userId: caller.userId,
            question: text,
            reply: planned.reply,
          }),
      };
    },
  };
}

/** Running from src/ (tsx, jest) or from dist/src (npm start): tsc does not copy the prompt files. */
function promptsFolder(): string {
  const beside = path.join(__dirname, 'prompts');
  if (fs.existsSync(path.join(beside, PROMPT, 'skprompt.txt'))) return beside;
  return path.resolve(__dirname, '..', '..', '..', '..', 'src', 'app', 'planner', 'prompts');
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
}
