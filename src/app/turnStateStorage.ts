/**
 * Bot Framework Storage for teams-ai turn state, backed by the store's botState port. Turn state only holds
 * conversation scratch data — approvals, sagas and subscriptions live in domain records with their own
 * versioning — so when two quick messages race on the same turn state, the loser's write is dropped and logged
 * instead of failing the turn.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { getLogger } from '../logging/logger';
import type { StoreItemsStorage } from '../store/ports';

const log = getLogger('app.turnState');

export class TurnStateStorage implements Storage {
  constructor(private readonly inner: StoreItemsStorage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    try {
      await this.inner.write(changes);
    } catch (error) {
      log.warn(
        { err: error, keys: Object.keys(changes) },
        'turn state changed concurrently; this turn’s scratch state was not saved',
      );
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}
