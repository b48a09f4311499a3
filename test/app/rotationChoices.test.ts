/**
 * "Did you mean" cards offer [Rotate the secret of X] only to whom the rotation request accepts: an owner of X or
 * an admin. Against the demo tenant: Megan owns D365-App-Registration, Alex is an admin, Adele is neither.
 */
import { handleIntent } from '../../src/app/dispatch';
import type { BotServices } from '../../src/app/services';
import { choiceFor } from '../../src/understanding';
import { callerFor, startTestComposition, type TestComposition } from '../support/testComposition';

let t: TestComposition;
let services: BotServices;

beforeAll(async () => {
  t = await startTestComposition();
  services = { ctx: t.ctx } as unknown as BotServices;
}, 60_000);
afterAll(() => t.close());

const e = { app: 'D365-App-Registration' };
const offered = ['expiringSecrets', 'requestRotation', 'impact'] as const;
const clarify = {
  kind: 'clarify' as const,
  title: 'Did you mean:',
  intro: '',
  choices: offered.map((o) => choiceFor(o, e, 'D365-App-Registration')),
};

const titles = async (who: 'megan' | 'alex' | 'adele'): Promise<string[]> => {
  const { reply } = await handleIntent(services, callerFor(who), clarify);
  const card = JSON.stringify(reply?.cards ?? []);
  return clarify.choices.map((c) => c.title).filter((title) => card.includes(title));
};

test('the app owner and an admin are offered the rotation', async () => {
  expect(await titles('megan')).toContain('Rotate the secret of D365-App-Registration');
  expect(await titles('alex')).toContain('Rotate the secret of D365-App-Registration');
});

test('someone the request would refuse is not offered it, and keeps the other readings', async () => {
  expect(await titles('adele')).toEqual(['Secrets expiring soon', 'What depends on D365-App-Registration?']);
});
