/**
 * The botState rules of the conformance suite, run against botbuilder's own MemoryStorage: proof that the
 * adapters copy its semantics rather than our reading of them.
 */
import { MemoryStorage } from 'botbuilder';
import { runBotStateConformance } from './conformance';

describe('botbuilder MemoryStorage', () => {
  runBotStateConformance(async () => new MemoryStorage());
});
