/**
 * Understanding through the chat CLI, as people meet it: the own set of requests (written apart from the QA dev
 * set) scored on the `understood` field, and conversations whose follow-ups and clarifications depend on the
 * turn before (several lines in one --jsonl run, so turn state carries the subject).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { chatJsonl, type ChatInput, type ChatOutput as Output } from '../support/chatJsonl';

interface Row extends ChatInput {
  intent?: string;
  entities?: Record<string, unknown>;
}

/** The scorer's rule (../shared/qa/intents.mjs): an expected entity holds when the understood value contains it. */
function holds(row: Row, output: Output | undefined): boolean {
  const u = output?.understood;
  if (!u || u.intent !== row.intent) return false;
  return Object.entries(row.entities ?? {}).every(([key, want]) => {
    const have = u.entities[key];
    if (Array.isArray(want)) return JSON.stringify(want) === JSON.stringify(have);
    if (typeof want === 'number') return Number(have) === want;
    return typeof have === 'string' && have.toLowerCase().includes(String(want).toLowerCase());
  });
}

const said = (o: Output | undefined): string => JSON.stringify(o?.replies ?? []).replace(/\\"/g, '"');

describe('understanding through the chat CLI', () => {
  it('understands at least 90% of the own set of requests, each with its intent and the tenant names', () => {
    const rows = fs
      .readFileSync(path.join(__dirname, 'intents.own.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Row);
    expect(rows.length).toBeGreaterThanOrEqual(150);
    const outputs = chatJsonl(rows.map((r) => ({ ...r, as: r.as ?? 'alexw@example.com' })));
    const misses = rows.filter((r) => !holds(r, outputs.get(r.id))).map((r) => `${r.id} ${r.text}`);
    expect(misses.length / rows.length).toBeLessThanOrEqual(0.1);
  }, 320_000);

  it('follows up on the last subject, clarifies when unsure, and never answers a request with an article', () => {
    const alex = 'alexw@example.com';
    const out = chatJsonl([
      { id: 'diagnose', as: alex, text: 'why cant i turn on weekly report' },
      { id: 'and', as: alex, text: 'and Nightly export?' },
      { id: 'expiring', as: alex, text: 'which secrets expire in the next 30 days' },
      { id: 'first', as: alex, text: 'rotate the first one' },
      { id: 'who', as: alex, text: 'who can approve that?' },
      { id: 'it', as: alex, text: 'which secrets expire in the next 30 days' },
      { id: 'ambiguous', as: alex, text: 'rotate it' },
      { id: 'pick', as: alex, click: 'Rotate the secret of CoE-Sync-SP' },
      { id: 'missing', as: 'meganb@example.com', text: 'my flow won’t turn on' },
      { id: 'picked', as: 'meganb@example.com', click: 'Diagnose flow Weekly report (Contoso DEV)' },
      { id: 'unknown', as: alex, text: 'rotate the secret of Payroll-Connector-App' },
      { id: 'soon', as: alex, text: "hand over Lee Gu's flows to Lynne" },
    ]);
    expect(out.get('diagnose')?.understood).toMatchObject({
      intent: 'diagnoseFlow',
      entities: { flow: 'Weekly report' },
    });
    expect(out.get('and')?.understood).toMatchObject({ intent: 'diagnoseFlow', entities: { flow: 'Nightly export' } });
    // The first row of the expiring card is the secret that expires soonest: D365-App-Registration's (10 days).
    expect(out.get('first')?.understood).toMatchObject({
      intent: 'requestRotation',
      entities: { app: 'D365-App-Registration' },
    });
    expect(said(out.get('first'))).toMatch(/D365-App-Registration/);
    // "who can approve that?": the request again, its confirmation card naming the approvers.
    expect(out.get('who')?.understood).toMatchObject({
      intent: 'requestRotation',
      entities: { app: 'D365-App-Registration' },
    });
    expect(said(out.get('who'))).toMatch(/Isaiah Langer/);
    // "it" after a list of several: which one? A card whose buttons send each request.
    expect(out.get('ambiguous')?.understood?.intent).toBe('clarify');
    expect(said(out.get('ambiguous'))).toMatch(/Rotate the secret of CoE-Sync-SP/);
    expect(out.get('pick')?.understood).toMatchObject({ intent: 'requestRotation', entities: { app: 'CoE-Sync-SP' } });
    // A diagnosis without its flow: a picker of Megan's own flows, one click runs the diagnosis.
    expect(out.get('missing')?.understood?.intent).toBe('diagnoseFlow');
    expect(said(out.get('missing'))).toMatch(/Which flow\?/);
    expect(said(out.get('missing'))).toMatch(/Weekly report/);
    expect(said(out.get('missing'))).not.toMatch(/Nightly export/); // Lee's flow, not Megan's
    expect(out.get('picked')?.understood).toMatchObject({
      intent: 'diagnoseFlow',
      entities: { flow: 'Weekly report' },
    });
    // A request whose subject does not exist gets a clarifying reply, not an article.
    expect(out.get('unknown')?.understood?.intent).toBe('requestRotation');
    expect(said(out.get('unknown'))).toMatch(/no app registration called "Payroll-Connector-App"/);
    expect(said(out.get('unknown'))).not.toMatch(/Sources|learn\.microsoft\.com/);
    expect(out.get('soon')?.understood).toMatchObject({
      intent: 'handover',
      entities: { user: 'Lee Gu', to: 'Lynne Robbins' },
    });
    // Built now: the sentence drafts the handover and shows its plan for confirmation.
    expect(said(out.get('soon'))).toMatch(/Confirm: Hand over a leaver's flows/);
    expect(said(out.get('soon'))).toMatch(/Vendor onboarding \(Contoso PROD\)/);
  }, 320_000);

  describe('with Azure Storage', () => {
    let azurite: RunningAzurite | undefined;
    beforeAll(async () => {
      azurite = await startAzurite();
    }, 60_000);
    afterAll(async () => {
      await azurite?.stop();
    });

    it('keeps the subject in the shared store, so another bot process answers the follow-up', () => {
      const env = { STORAGE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite?.connectionString ?? '' };
      const first = chatJsonl(
        [{ id: 'a', as: 'alexw@example.com', text: 'connection references in Lunch order' }],
        env,
      );
      expect(first.get('a')?.understood).toMatchObject({ intent: 'solutionReferences' });
      // A second process: nothing in its memory, only the store knows what the conversation was about.
      const second = chatJsonl([{ id: 'b', as: 'alexw@example.com', text: 'and Invoice Approvals?' }], env);
      expect(second.get('b')?.understood).toMatchObject({
        intent: 'solutionReferences',
        entities: { solution: 'Invoice Approvals' },
      });
    }, 320_000);
  });
});
