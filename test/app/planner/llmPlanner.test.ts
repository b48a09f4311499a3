import { TestModel, type PromptCompletionModel } from '@microsoft/teams-ai';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import type { Caller } from '../../../src/access/caller';
import type { BotServices } from '../../../src/app/services';
import type { Reply } from '../../../src/cards/reply';
import type { KnowledgeAnswerLike } from '../../../src/app/planner/knowledgeDataSource';
import { createLlmPlanner, selectPlanner, type LlmPlannerDeps } from '../../../src/app/planner/llmPlanner';
import { planLocally } from '../../../src/app/planner/localPlanner';

interface Answer extends KnowledgeAnswerLike {
  related: string[];
}

const servicePrincipal: Answer = {
  confident: true,
  title: 'Service-principal connections',
  passage:
    'Register an app in Microsoft Entra ID, give it a client secret, add it as an application user with a least-privilege role, then create the connection with service-principal authentication.',
  sources: [{ title: 'Service principal connections', url: 'https://learn.example.com/sp-connections' }],
  related: ['How do I rotate the client secret?'],
};
const references: Answer = {
  confident: true,
  title: 'Connection references',
  passage: 'A connection reference is a solution component that points to a connection for one connector.',
  sources: [{ title: 'Connection references', url: 'https://learn.example.com/connection-references' }],
  related: [],
};

function contextFor(text: string): TurnContext {
  const activity: Partial<Activity> = {
    type: 'message',
    id: 'activity-1',
    text,
    channelId: 'msteams',
    from: { id: 'user-1', name: 'Adele' },
    recipient: { id: 'bot-1', name: 'Connection Ops' },
    conversation: { id: 'conversation-1', isGroup: false, conversationType: 'personal', name: '' },
  };
  return new TurnContext(new TestAdapter(), activity);
}

function plannerWith(model: PromptCompletionModel, overrides: Partial<LlmPlannerDeps<Answer>> = {}) {
  return createLlmPlanner<Answer>({
    model,
    retrieve: () => [servicePrincipal, references],
    ...overrides,
  });
}

/** The citations Teams would show under a model-written message. */
const citationsOf = (reply: Reply) =>
  (reply.entities ?? []).flatMap((e) => (e.citation ?? []) as { position: number; appearance: { url?: string } }[]);

const toolCall = (name: string, args: string) =>
  TestModel.returnResponse({
    status: 'success',
    message: {
      role: 'assistant',
      content: '',
      action_calls: [{ id: 'call-1', type: 'function', function: { name, arguments: args } }],
    },
  });

/** Like OpenAIModel, renders the prompt (so the knowledge data source runs) before answering. */
const answering = (content: string) =>
  TestModel.createTestModel(async (_model, context, memory, functions, tokenizer, template) => {
    await template.prompt.renderAsMessages(
      context,
      memory,
      functions,
      tokenizer,
      template.config.completion.max_input_tokens,
    );
    return { status: 'success', message: { role: 'assistant', content } };
  });

describe('LLM planner: actions chosen by the model', () => {
  it('turns a tool call into the same Intent the local planner would produce', async () => {
    const text = 'my weekly report thing keeps dying every night, can you have a look?';
    const planner = plannerWith(toolCall('diagnoseFlow', JSON.stringify({ flowName: '  Weekly report ' })));

    await expect(planner.plan(contextFor(text), text)).resolves.toEqual({
      kind: 'intent',
      intent: { kind: 'diagnoseFlow', flowName: 'Weekly report' },
      by: 'llm',
    });
  });

  it('validates and keeps every parameter of a share request', async () => {
    const text = 'could Megan get to use my SharePoint connection over in DEV?';
    const planner = plannerWith(
      toolCall(
        'requestShare',
        JSON.stringify({ connectionQuery: 'SharePoint', environmentQuery: 'DEV', targetUserQuery: 'Megan' }),
      ),
      // The local planner understands this request too; ask the model anyway, it is the model's call under test.
      { localFirst: false },
    );

    const plan = await planner.plan(contextFor(text), text);

    // Sharing has effects: the confirmation card carries the validated parameters to run on [Confirm].
    expect(plan).toMatchObject({ kind: 'confirm', action: 'requestShare', by: 'llm' });
    const card = JSON.stringify(plan.kind === 'confirm' ? plan.reply.cards : []);
    expect(card).toContain(
      JSON.stringify(
        JSON.stringify({ connectionQuery: 'SharePoint', environmentQuery: 'DEV', targetUserQuery: 'Megan' }),
      ),
    );
    expect(card).toContain('share the connection \\"SharePoint\\" with Megan in DEV');
  });

  it('sorts and de-duplicates notification thresholds the model sends', async () => {
    const text = 'ping me a week and a month ahead, and again a week ahead';
    const planner = plannerWith(toolCall('subscribe', JSON.stringify({ thresholds: [7, 30, 7] })));

    const plan = await planner.plan(contextFor(text), text);

    // subscribe has effects: the card's [Subscribe] button carries the validated parameters.
    expect(plan).toMatchObject({ kind: 'confirm', action: 'subscribe', by: 'llm' });
    expect(JSON.stringify(plan.kind === 'confirm' && plan.reply.cards)).toContain('30, 7 days before');
  });

  it.each([
    ['scanNow', '{}', 'Scan now'],
    ['unsubscribe', '{}', 'Unsubscribe'],
    ['subscribe', '{}', 'Subscribe'],
    ['requestRotation', JSON.stringify({ appQuery: 'D365-App-Registration' }), 'Prepare the request'],
    [
      'requestShare',
      JSON.stringify({ connectionQuery: 'SharePoint', targetUserQuery: 'Megan' }),
      'Prepare the request',
    ],
  ])('asks the user to confirm %s instead of running it', async (action, args, button) => {
    const text = 'what does ConnectionAuthorizationFailed mean?';
    const plan = await plannerWith(toolCall(action, args)).plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'confirm', action, by: 'llm' });
    const card = JSON.stringify(plan.kind === 'confirm' ? plan.reply.cards : []);
    expect(card).toContain(`"title":"${button}"`);
    expect(card).toContain('"verb":"llm.confirm"');
  });

  it('hands a question to the knowledge answerer when the model calls answerQuestion', async () => {
    const text = 'conn ref vs connection??';
    const planner = plannerWith(
      toolCall(
        'answerQuestion',
        JSON.stringify({ text: 'What is the difference between a connection reference and a connection?' }),
      ),
    );

    const plan = await planner.plan(contextFor(text), text);

    expect(plan).toMatchObject({
      kind: 'intent',
      intent: { kind: 'question', text: 'What is the difference between a connection reference and a connection?' },
      by: 'llm',
    });
  });

  it('leaves anchored commands to the local planner without calling the model', async () => {
    let calls = 0;
    const model = TestModel.createTestModel(async () => {
      calls++;
      return { status: 'success', message: { role: 'assistant', content: 'unused' } };
    });

    const plan = await plannerWith(model).plan(contextFor('scan now'), 'scan now');

    expect(plan).toEqual({ kind: 'intent', intent: { kind: 'scanNow' }, by: 'local' });
    expect(calls).toBe(0);
  });
});

describe('LLM planner: grounded answers', () => {
  it('puts the retrieved passages and their sources into the prompt', async () => {
    let prompt = '';
    const model = TestModel.createTestModel(async (_model, context, memory, functions, tokenizer, template) => {
      const messages = await template.prompt.renderAsMessages(context, memory, functions, tokenizer, 3000);
      prompt = messages.output.map((m) => String(m.content)).join('\n');
      return { status: 'success', message: { role: 'assistant', content: 'Follow the steps in [1].' } };
    });
    const text = 'how do i make a service account connection thingy';

    await plannerWith(model).plan(contextFor(text), text);

    expect(prompt).toContain('[1] Service-principal connections');
    expect(prompt).toContain('https://learn.example.com/sp-connections');
    expect(prompt).toContain('[2] Connection references');
    expect(prompt).toContain('ONLY facts stated in those passages');
    expect(prompt).toContain(text);
  });

  it('renders the model’s cited answer with the sources of the cited passages only', async () => {
    const text = 'how do i make a service account connection thingy';
    const planner = plannerWith(
      answering(
        'Create an app registration with a client secret, add it as an application user, then connect with service-principal authentication [1].',
      ),
    );

    const plan = await planner.plan(contextFor(text), text);

    expect(plan.kind).toBe('aiMessage');
    const reply = plan.kind === 'aiMessage' ? plan.reply : { cards: [] };
    expect(reply.text).toBe(
      'Create an app registration with a client secret, add it as an application user, then connect with service-principal authentication [1].',
    );
    expect(reply.entities?.[0]).toMatchObject({ additionalType: ['AIGeneratedContent'] });
    expect(citationsOf(reply)).toEqual([
      {
        '@type': 'Claim',
        position: 1,
        appearance: {
          '@type': 'DigitalDocument',
          name: 'Service-principal connections',
          url: 'https://learn.example.com/sp-connections',
          abstract: expect.stringContaining('Register an app in Microsoft Entra ID') as unknown as string,
        },
      },
    ]);
    expect(reply.channelData).toEqual({ feedbackLoopEnabled: true });
  });

  it('lists the sources of every passage the answer cites', async () => {
    const text = 'service principal and conn refs, how do they fit together';
    const planner = plannerWith(
      answering('Create the service-principal connection [doc1] and point a connection reference at it [doc2].'),
    );

    const plan = await planner.plan(contextFor(text), text);

    const reply = plan.kind === 'aiMessage' ? plan.reply : { cards: [] };
    expect(reply.text).toBe('Create the service-principal connection [1] and point a connection reference at it [2].');
    expect(citationsOf(reply).map((c) => [c.position, c.appearance.url])).toEqual([
      [1, 'https://learn.example.com/sp-connections'],
      [2, 'https://learn.example.com/connection-references'],
    ]);
  });

  it('keeps only the links that are one of the cited sources', async () => {
    const text = 'how do i make a service account connection thingy';
    const planner = plannerWith(
      answering(
        'Register an app [1]. Follow the [guide](//evil.example.net/fix). Sign in at www.evil-example.net/login first. ' +
          'The steps are at https://learn.example.com/sp-connections [1].',
      ),
    );

    const plan = await planner.plan(contextFor(text), text);

    expect(plan.kind === 'aiMessage' && plan.reply.text).toBe(
      'Register an app [1]. Follow the guide. The steps are at https://learn.example.com/sp-connections [1].',
    );
  });

  it.each([
    ['an answer that cites nothing', 'Just restart the flow, that always works.'],
    ['a citation to a passage it was not shown', 'See passage [7].'],
    ['only a link outside the cited sources', 'Read https://evil.example.net/steal for details [1].'],
    [
      'a number, a price and a date its passages do not state',
      'Each environment can hold at most 25 connection references, and Microsoft charges 2 USD per reference per month from July 2025 [1].',
    ],
    ['a product name its passages do not state', 'Create the connection in Azure Logic Apps first [1].'],
    ['garbage', '{"type":"plan","commands":[{"type":"DO"'],
  ])('falls back to the local planner on %s', async (_case, content) => {
    const text = 'how do i make a service account connection thingy';
    const plan = await plannerWith(answering(content)).plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'intent', intent: await planLocally(text), by: 'local' });
  });

  it.each([
    ['a clarifying question', 'Which flow do you mean?'],
    ['a clarifying question that repeats the user’s names', 'Do you mean the flow Weekly report in DEV?'],
    ['the off-topic refusal', 'I can only help with Power Platform connections.'],
  ])('lets %s through, AI-labelled', async (_case, content) => {
    const text = 'my Weekly report in DEV, what now';
    // The model's own reply is under test, not the local understanding that would otherwise answer first.
    const plan = await plannerWith(answering(content), { localFirst: false }).plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'aiMessage', reply: { text: content } });
  });

  it.each([
    ['a question that states a number', 'Did you know flows stop after 90 days?'],
    ['a question with a link', 'Have you read www.evil-example.net/help?'],
    ['a statement', 'Your flow is broken.'],
  ])('does not let %s through without citations', async (_case, content) => {
    const text = 'my Weekly report in DEV, what now';
    // The model's own reply is under test, not the local understanding that would otherwise answer first.
    const plan = await plannerWith(answering(content), { localFirst: false }).plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'intent', by: 'local' });
  });

  it('does not accept citations when retrieval found nothing to ground on', async () => {
    const text = 'write me a poem about the sea';
    const planner = plannerWith(answering('The sea is wide [1].'), { retrieve: () => [] });

    const plan = await planner.plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'intent', intent: { kind: 'question', text }, by: 'local' });
  });
});

describe('LLM planner: model failures fall back to the local planner', () => {
  const text = 'the secrets of D365-App-Registration, can you renew them for me?';

  it.each([
    ['an unknown action', toolCall('deleteEverything', '{}')],
    ['arguments that are not JSON', toolCall('requestRotation', '{"appQuery": "D365')],
    ['a missing required parameter', toolCall('requestRotation', '{}')],
    ['a parameter of the wrong type', toolCall('expiringSecrets', JSON.stringify({ withinDays: 'soon' }))],
    ['a parameter out of range', toolCall('expiringSecrets', JSON.stringify({ withinDays: 5000 }))],
    ['an over-long parameter', toolCall('requestRotation', JSON.stringify({ appQuery: 'x'.repeat(5000) }))],
    [
      'a rate limit (429)',
      TestModel.returnRateLimited(new Error('The chat completion API returned a rate limit error.')),
    ],
    ['a service error', TestModel.returnError(new Error('The chat completion API returned an error status of 500'))],
    [
      'a model that throws',
      TestModel.createTestModel(async () => {
        throw new Error('socket hang up');
      }),
    ],
  ])('on %s', async (_case, model) => {
    // The local planner understands this request too; ask the model anyway, its failure is under test.
    const plan = await plannerWith(model, { localFirst: false }).plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'intent', intent: await planLocally(text), by: 'local' });
    expect(plan.kind === 'intent' && plan.fallbackReason).toBeTruthy();
  });

  it('when the model does not answer in time', async () => {
    const slow = toolCall('scanNow', '{}');
    const planner = plannerWith(
      TestModel.createTestModel(async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return slow.completePrompt(args[1], args[2], args[3], args[4], args[5]);
      }),
      { timeoutMs: 20 },
    );

    const plan = await planner.plan(contextFor(text), text);

    expect(plan).toMatchObject({ kind: 'intent', intent: await planLocally(text), by: 'local' });
  });
});

describe('selectPlanner', () => {
  const deps: LlmPlannerDeps<Answer> = { retrieve: () => [] };
  const full = {
    AZURE_OPENAI_ENDPOINT: 'https://contoso-openai.openai.azure.com',
    AZURE_OPENAI_API_KEY: 'test-key-not-a-secret',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o',
  };

  it.each([
    ['nothing', {}],
    ['no key', { ...full, AZURE_OPENAI_API_KEY: undefined }],
    ['no deployment', { ...full, AZURE_OPENAI_DEPLOYMENT: undefined }],
    ['no endpoint', { ...full, AZURE_OPENAI_ENDPOINT: undefined }],
    ['a blank deployment', { ...full, AZURE_OPENAI_DEPLOYMENT: '  ' }],
  ])('keeps the local planner with %s configured', (_case, config) => {
    expect(selectPlanner(config, deps)).toBeUndefined();
  });

  it('returns the LLM planner when all three Azure OpenAI settings are set', async () => {
    const planner = selectPlanner(full, { ...deps, model: toolCall('healthReport', '{}'), localFirst: false });

    expect(planner).toBeDefined();
    const text = 'how healthy is our tenant overall?';
    await expect(planner?.plan(contextFor(text), text)).resolves.toMatchObject({
      intent: { kind: 'healthReport' },
      by: 'llm',
    });
  });
});

describe('LLM planner: respond', () => {
  const caller = { userId: 'user-1', tenantId: 'tenant-1', displayName: 'Adele' } as unknown as Caller;
  const asked: string[] = [];
  const services = {
    ctx: { config: { demoMode: true } },
    knowledge: {
      ask: async (_caller: Caller, question: string): Promise<Reply> => {
        asked.push(question);
        return { text: `local answer to ${question}`, cards: [] };
      },
    },
    background: { drain: async () => undefined },
  } as unknown as BotServices;

  it('replies with the AI-labelled answer without asking the local answerer', async () => {
    const text = 'how do i make a service account connection thingy';
    const result = await plannerWith(answering('Use a service principal [1].')).respond(
      services,
      contextFor(text),
      caller,
      text,
    );

    expect(result.reply).toMatchObject({ text: 'Use a service principal [1].', cards: [] });
    expect(asked).toEqual([]);
  });

  it('sends an uncited answer through the dispatcher to the local answerer', async () => {
    const text = 'how do i make a service account connection thingy';
    const result = await plannerWith(answering('No idea, sorry.')).respond(services, contextFor(text), caller, text);

    expect(result.reply.text).toBe(`local answer to ${text}`);
  });
});
