import { confirmationCard, confirmationClicked, hasEffects } from '../../../src/app/planner/llmConfirm';
import { llmActionNames } from '../../../src/app/planner/llmActions';

/** The data of the card's first button, as Teams sends it back on a click. */
const confirmData = (card: { cards: object[] }) =>
  (card.cards[0] as { actions: { data: Record<string, unknown> }[] }).actions[0].data;

describe('LLM confirmation cards', () => {
  it('holds back exactly the actions that write or notify', () => {
    expect(llmActionNames.filter(hasEffects).sort()).toEqual(
      ['requestRotation', 'requestShare', 'scanNow', 'subscribe', 'unsubscribe'].sort(),
    );
  });

  it('runs the proposed action with its parameters when the user confirms', () => {
    const card = confirmationCard('subscribe', { thresholds: [7, 30] }, { kind: 'subscribe', thresholds: [30, 7] });

    expect(confirmationClicked('llm.confirm', confirmData(card))).toEqual({
      kind: 'intent',
      intent: { kind: 'subscribe', thresholds: [30, 7] },
    });
  });

  it('shows the names the model wrote as plain text, without links or formatting', () => {
    const parameters = { appQuery: 'Payroll [sign in](https://evil.example.net) **now** www.evil-example.net/x' };
    const card = JSON.stringify(
      confirmationCard('requestRotation', parameters, { kind: 'requestRotation', appQuery: parameters.appQuery })
        .cards[0].body,
    );

    expect(card).toContain('rotate the client secret of \\"Payroll sign in now\\"');
    expect(card).not.toMatch(/evil|\*\*|\]\(/);
  });

  it('does nothing on Cancel', () => {
    expect(confirmationClicked('llm.cancel', { action: 'scanNow' })).toEqual({
      kind: 'reply',
      reply: { text: 'OK, I did nothing.', cards: [] },
    });
  });

  it.each([
    ['a read-only action (it never needed a card)', { action: 'healthReport', parameters: '{}' }],
    ['an unknown action', { action: 'deleteEverything', parameters: '{}' }],
    ['parameters that are not JSON', { action: 'requestRotation', parameters: '{"appQuery":' }],
    ['parameters the action refuses', { action: 'requestRotation', parameters: '{"appQuery":""}' }],
    ['over-long parameters', { action: 'requestRotation', parameters: JSON.stringify({ appQuery: 'x'.repeat(5000) }) }],
    ['parameters as an object', { action: 'scanNow', parameters: {} }],
  ])('refuses a tampered click: %s', (_case, data) => {
    expect(confirmationClicked('llm.confirm', data)).toMatchObject({
      kind: 'reply',
      reply: { text: expect.stringContaining('could not read that request') as unknown as string },
    });
  });

  it('leaves other verbs to their handlers', () => {
    expect(confirmationClicked('approval.approve', { approvalId: 'x' })).toBeUndefined();
  });
});
