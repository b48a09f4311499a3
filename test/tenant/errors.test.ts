/**
 * The error catalogue: every code has wording and is raised by some error of the bot, and the four places that
 * tell people about a failed tenant call — the error card of a failed turn, the gaps of a partial answer, the
 * scan's list of what it could not check, and a rotation's notes — word it through the one describeError(),
 * driven here by the demo tenant's own faults.
 */
import { friendlyError } from '../../src/app/friendlyError';
import { ChatError } from '../../src/app/chatSession';
import { KeysUnavailable, TokenRejected } from '../../src/app/botTokenValidator';
import { collect } from '../../src/clients';
import { ConfigError } from '../../src/config';
import { TenantReader } from '../../src/connections/tenantReader';
import { ENVIRONMENTS } from '../../src/emulator/fixture';
import { BodyError } from '../../src/http/boundedBody';
import { KnowledgeBaseError } from '../../src/knowledge';
import { ScanWorkerError } from '../../src/notifications/scan/scanInWorker';
import { ScanAlreadyRunningError, ScanLeaseLostError } from '../../src/notifications/scan/scanLease';
import { TenantScanner } from '../../src/notifications/scan/tenantScanner';
import { ShareRefusedError } from '../../src/operations/shareConnection';
import {
  advanceRotation,
  createRotation,
  RotationMismatchError,
  RotationNotFoundError,
} from '../../src/operations/rotation';
import { ETagConflictError, JobReceiptExpiredError, VersionConflictError } from '../../src/store/ports';
import {
  describeError,
  ERROR_CATALOGUE,
  errorCode,
  TenantApiError,
  type ErrorCode,
  type TenantErrorKind,
} from '../../src/tenant/errors';
import type { Environment } from '../../src/tenant/model';
import { fastRetries, startDemoTenant, type DemoTenant } from '../clients/demoTenant';
import { appNamed, openContext } from '../support/operationHarness';

const KINDS: TenantErrorKind[] = [
  'throttled',
  'forbidden',
  'unauthorized',
  'notFound',
  'conflict',
  'badRequest',
  'unavailable',
  'timeout',
  'outcomeUnknown',
];

/** One error of every kind the bot raises; a new error class or code belongs here too. */
const RAISED: unknown[] = [
  ...KINDS.map(
    (kind) =>
      new TenantApiError({ message: 'x', code: 'SomeServiceCode', kind, api: 'dataverse', retryAfterMs: 30_000 }),
  ),
  new ShareRefusedError('Outlook is an OAuth connection: it can be shared only with a service principal.'),
  new RotationMismatchError('approval-1'),
  new RotationNotFoundError('rotation-1'),
  new ScanAlreadyRunningError(),
  new ScanLeaseLostError(),
  new ScanWorkerError('the scan worker stopped (exit code 1) before it answered'),
  new VersionConflictError('approvals', 'a-1'),
  new ETagConflictError('conversation/1'),
  new JobReceiptExpiredError('job-1'),
  new BodyError(413, 'The body is larger than 256 KB.'),
  new TokenRejected('expired'),
  new KeysUnavailable(30),
  new ConfigError(['TENANT_ID: Invalid uuid']),
  new KnowledgeBaseError('knowledge/x.md: no "## " sections.'),
  new ChatError('No card of adelev@example.com has a button titled "Approve".'),
  new Error('a bug'),
];

describe('the catalogue', () => {
  test.each(Object.keys(ERROR_CATALOGUE) as ErrorCode[])('%s is worded for people and for the log', (code) => {
    const error = RAISED.find((e) => errorCode(e) === code);
    expect(error).toBeDefined();
    const words = describeError(error);
    expect(words.code).toBe(code);
    for (const text of [words.title, words.what, words.next, words.short]) {
      expect(text.trim().length).toBeGreaterThan(3);
      expect(text).not.toMatch(/undefined|\[object|\bnull\b/);
    }
    // Sentences for the card; a clause for lists and the audit log.
    expect(words.what).toMatch(/[.!?]$/);
    expect(words.next).toMatch(/[.!?]$/);
    expect(words.short).toMatch(/^[a-z]/);
  });

  test('every error the bot raises has a catalogued code, and only the unknown one is "unexpected"', () => {
    const codes = RAISED.map(errorCode);
    expect(new Set(codes)).toEqual(new Set(Object.keys(ERROR_CATALOGUE)));
    expect(RAISED.filter((e) => errorCode(e) === 'unexpected')).toEqual([RAISED[RAISED.length - 1]]);
  });

  test('a message of several lines reads as one sentence on a card and one clause in a list', () => {
    const words = describeError(new ConfigError(['TENANT_ID: Invalid uuid', 'PORT: Expected number']));
    expect(words.what).toBe('Configuration is not valid: TENANT_ID: Invalid uuid; PORT: Expected number.');
    expect(describeError(new ShareRefusedError('Not with Adele.')).short).toBe('the share was refused: Not with Adele');
  });

  test('a conflict on the turn state is the same thing as one on a record: one code', () => {
    expect(new ETagConflictError('k')).toBeInstanceOf(VersionConflictError);
    expect(errorCode(new ETagConflictError('k'))).toBe(errorCode(new VersionConflictError('c', 'k')));
    // botbuilder's own wording stays, for whoever reads turn-state errors.
    expect(new ETagConflictError('k').message).toBe('Storage: error writing "k" due to eTag conflict.');
  });

  test('a refusal names what the bot lacks, as docs/deployment.md does; the service code is kept', () => {
    const refused = new TenantApiError({
      message: 'x',
      code: 'Forbidden',
      kind: 'forbidden',
      api: 'keyVault',
      status: 403,
    });
    expect(describeError(refused).short).toBe(
      'the bot lacks the Key Vault Secrets Officer role on the vault (see docs/deployment.md)',
    );
    const unknownApi = new TenantApiError({ message: 'x', code: 'Nope', kind: 'forbidden', api: 'other' });
    expect(describeError(unknownApi).short).toBe('the service refused the bot access (Nope)');
  });

  test('transport codes and the lost-answer code are not shown as a service code', () => {
    const reset = new TenantApiError({ message: 'x', code: 'ECONNRESET', kind: 'unavailable', api: 'graph' });
    const lost = new TenantApiError({ message: 'x', code: 'OutcomeUnknown', kind: 'outcomeUnknown', api: 'graph' });
    expect(describeError(reset).short).toBe('the service is unavailable');
    expect(describeError(lost).short).toBe('the answer was lost, so whether it happened is unknown');
    expect(describeError(lost).what).not.toMatch(/OutcomeUnknown/);
  });
});

describe('the four places word a failed tenant call through describeError', () => {
  let tenant: DemoTenant;
  let prod: Environment;
  beforeAll(async () => {
    tenant = await startDemoTenant();
    prod = (await tenant.ports.connections.listEnvironments()).find((e) => e.id === ENVIRONMENTS.prod.id)!;
  });
  afterAll(() => tenant.close());
  afterEach(() => tenant.emulator.control.setFaults(''));

  test('the error card of a failed turn: Dataverse throttling beyond the budget, with the service’s wait', async () => {
    tenant.emulator.control.setFaults('dataverse:throttle=1/3');
    const ports = tenant.portsWith({ ...fastRetries, retry: { ...fastRetries.retry, maxTotalMs: 300 } });
    await collect(ports.dataverse.listSolutions(prod));
    const error = await collect(ports.dataverse.listSolutions(prod)).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('tenant.throttled');

    const words = describeError(error);
    const card = JSON.stringify(friendlyError(error, { correlationId: 'ref-1' }));
    expect(friendlyError(error).text).toBe(`${words.title}. ${words.what}`);
    expect(card).toContain(words.next);
    expect(words.what).toBe('Dataverse asked me to slow down (throttled).');
    expect(words.next).toMatch(/^Try again in \d+ seconds \(the service's own wait\); nothing was changed\.$/);
  });

  test('a gap of a partial answer: Dataverse refusing the bot names the missing application user', async () => {
    tenant.emulator.control.setFaults('dataverse:forbid');
    const reader = new TenantReader(tenant.ports);
    expect(await reader.references(prod)).toBeUndefined();
    const error = await collect(tenant.ports.dataverse.listConnectionReferences(prod)).catch((e: unknown) => e);

    expect(reader.gaps).toEqual([
      { what: 'connection references in Contoso PROD', reason: describeError(error).short },
    ]);
    expect(reader.gaps[0].reason).toBe(
      'the bot has no application user with read access in this environment (see docs/deployment.md)',
    );
  });

  test('a gap of a partial answer: Dataverse throttling beyond the budget says the service’s wait', async () => {
    tenant.emulator.control.setFaults('dataverse:throttle=1/3');
    const ports = tenant.portsWith({ ...fastRetries, retry: { ...fastRetries.retry, maxTotalMs: 300 } });
    await collect(ports.dataverse.listSolutions(prod));
    const reader = new TenantReader(ports);
    expect(await reader.solutions(prod)).toBeUndefined();
    const error = await collect(ports.dataverse.listSolutions(prod)).catch((e: unknown) => e);

    expect(reader.gaps).toEqual([{ what: 'solutions in Contoso PROD', reason: describeError(error).short }]);
    expect(reader.gaps[0].reason).toMatch(/^the service is busy \(throttled\) and asked to wait \d+ seconds$/);
  });

  test('what a scan could not check: Dataverse answering 503', async () => {
    tenant.emulator.control.setFaults('dataverse:error=1:503');
    const scan = await new TenantScanner(tenant.ports, { now: new Date(), withinDays: 30 }).scan();
    expect(scan.partial).toContain('connection references in Contoso PROD: the service is unavailable');
    const error = await collect(tenant.ports.dataverse.listConnectionReferences(prod)).catch((e: unknown) => e);
    expect(scan.partial).toContain(`connection references in Contoso PROD: ${describeError(error).short}`);
  });

  test('a rotation’s audit and reason: Key Vault down', async () => {
    const oc = await openContext(tenant.emulator);
    try {
      const app = await appNamed(oc.ctx.tenant, 'D365-App-Registration');
      const rotation = await createRotation(oc.ctx, {
        appObjectId: app.id,
        requestedBy: '00000000-0000-0000-0000-0000000000021',
        approvalId: 'errors-vault',
      });
      tenant.emulator.control.setFaults('keyVault:down');
      const error = await oc.ctx.tenant.vault.getSecretProperties(`sp-${app.appId}`).catch((e: unknown) => e);
      const result = await advanceRotation(oc.ctx, rotation.id, {
        verify: { timeoutMs: 4_000, initialDelayMs: 50, maxDelayMs: 400 },
      });
      tenant.emulator.control.setFaults('');

      const stored = (await oc.audit()).find((e) => e.action === 'rotation.storeSecret' && e.outcome === 'failure');
      expect(stored?.details?.error).toBe(describeError(error).short);
      expect(stored?.details?.error).toBe('the service is unavailable');
      expect(result.state).toBe('failed');
      expect(result.reason).toContain('(the service is unavailable)');
    } finally {
      tenant.emulator.control.setFaults('');
      tenant.emulator.control.reset();
      await oc.close();
    }
  }, 30_000);
});
