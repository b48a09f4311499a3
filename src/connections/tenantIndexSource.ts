/**
 * Where turns get the TenantIndex from. The scan hands over the index it builds as it goes (replace); a serving
 * instance (`autoBuild`) without one, or with one older than MAX_AGE, builds one in the background on demand, one
 * build at a time. One-shot processes (the chat CLI) do not: a build would cost more than their one turn.
 * Until an index is there, `current()` answers undefined and the turn takes the slow, complete path: the index
 * only ever makes answers cheaper, never different in what they may show.
 */
import type { Clock } from '../clock';
import { getLogger } from '../logging/logger';
import { setImmediate as yieldToTurns } from 'node:timers/promises';
import { decodeTenantIndex, TenantIndex, type TenantIndexData } from './tenantIndex';

const log = getLogger('connections');

/** After this an index is rebuilt in the background (it stays in use meanwhile: its age is on every card). */
export const INDEX_MAX_AGE_MS = 6 * 3_600_000;

export class TenantIndexSource {
  private index?: TenantIndex;
  private building?: Promise<void>;
  /** Indexes are taken one after the other, each built a slice at a time between turns. */
  private arriving?: Promise<void>;

  constructor(
    private readonly build: (now: Date) => Promise<TenantIndexData>,
    private readonly clock: Clock,
    private readonly options: { autoBuild: boolean; maxAgeMs?: number },
  ) {}

  /** The index if there is one; starts a background build when there is none or it is old. */
  current(): TenantIndex | undefined {
    const index = this.index;
    const maxAge = this.options.maxAgeMs ?? INDEX_MAX_AGE_MS;
    const stale = !index || this.clock.now().getTime() - index.takenAt.getTime() > maxAge;
    if (stale && this.options.autoBuild) void this.refresh();
    return index;
  }

  /** The index if there is one, without starting a build (readiness). */
  peek(): TenantIndex | undefined {
    return this.index;
  }

  /** A newer index (from a scan, or encoded by the scan's worker); an older one than the current is ignored. */
  replace(data: TenantIndexData | Uint8Array): Promise<void> {
    const next = (this.arriving ?? Promise.resolve()).then(async () => {
      const decoded = data instanceof Uint8Array ? await decodeTenantIndex(data, yieldToTurns) : data;
      if (this.index && this.index.takenAt > new Date(decoded.takenAt)) return;
      this.index = await TenantIndex.build(decoded, yieldToTurns);
    });
    this.arriving = next.catch((error: unknown) => log.warn({ err: error }, 'could not take the new tenant index'));
    return this.arriving;
  }

  /** Builds a fresh index (one build at a time); resolves when it is in place or the build failed. */
  refresh(): Promise<void> {
    this.building ??= this.build(this.clock.now())
      .then((data) => this.replace(data))
      .catch((error: unknown) => log.warn({ err: error }, 'could not build the tenant index'))
      .finally(() => {
        this.building = undefined;
      });
    return this.building;
  }

  /** Resolves once a background build (if any) has finished (tests, CLI, benches). */
  async whenIdle(): Promise<void> {
    await this.building;
    await this.arriving;
  }
}
