/**
 * A probe set of wordings (one JSON line each) and the rule it is scored by, shared by the probe tests: a line
 * passes when the understood intent is the expected one (or one of the accepted ones) and each expected entity is
 * contained in the understood value (the QA scorer's rule).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatOutput } from '../support/chatJsonl';

export interface Probe {
  id: string;
  group: string;
  text: string;
  as?: string;
  intent: string | string[];
  entities?: Record<string, unknown>;
}

/** The requests a misunderstanding must never draft. */
export const PRIVILEGED = ['requestShare', 'requestRotation', 'repointReferences', 'handover'];

export const readProbes = (file: string): Probe[] =>
  fs
    .readFileSync(path.join(__dirname, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Probe);

export const accepted = (p: Probe): string[] => (Array.isArray(p.intent) ? p.intent : [p.intent]);

export function holds(p: Probe, output: ChatOutput | undefined): boolean {
  const u = output?.understood;
  if (!u || !accepted(p).includes(u.intent)) return false;
  return Object.entries(p.entities ?? {}).every(([key, want]) => {
    const have = u.entities[key];
    if (Array.isArray(want)) return JSON.stringify(want) === JSON.stringify(have);
    if (typeof want === 'number') return Number(have) === want;
    return typeof have === 'string' && have.toLowerCase().includes(String(want).toLowerCase());
  });
}
