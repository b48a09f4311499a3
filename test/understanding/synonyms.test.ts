/**
 * Other words for the corpus's words ("lapsed", "scanner", "re-bind"): mapped onto the word the classifier knows,
 * outside the tenant's names, so a request said with other verbs is read as the same request.
 */
import { read } from './smallTenantReader';
import { canonicalWords } from '../../src/understanding/synonyms';

test('variants map onto the corpus word, phrases keep their word positions, names are left alone', () => {
  expect(canonicalWords(['secrets', 'that', 'lapsed'])).toEqual(['secrets', 'that', 'expired']);
  expect(canonicalWords(['re', 'bind', 'the', 'refs'])).toEqual(['rebind', '', 'the', 'refs']);
  expect(canonicalWords(['start', 'the', 'scanner'], (i) => i === 2)).toEqual(['start', 'the', 'scanner']);
});

test('requests said with other verbs are read as the same requests', async () => {
  expect((await read('start the scanner')).intent).toBe('scanNow');
  expect((await read('list credentials that lapse within 60 days')).intent).toBe('expiringSecrets');
  expect(await read('time to change the client secret on ALM-Pipeline-SP')).toMatchObject({
    intent: 'requestRotation',
    entities: { app: 'ALM-Pipeline-SP' },
  });
  expect((await read('can you warn me ahead of time when secrets run out')).intent).toBe('subscribe');
});
