import { errorFromResponse, kindForStatus, networkError, serviceError } from '../../src/clients/errorMapping';
import { registerSecretValue } from '../../src/logging/logger';

describe('errorMapping', () => {
  it('keeps the service code of the {error:{code,message}} shape', () => {
    const error = errorFromResponse({ api: 'powerApps', operation: 'getConnection', correlationId: 'c-1' }, 404, {
      error: { code: 'ConnectionNotFound', message: 'no such connection' },
    });
    expect(error).toMatchObject({ code: 'ConnectionNotFound', kind: 'notFound', status: 404, correlationId: 'c-1' });
    expect(error.message).toContain('no such connection');
  });

  it("reads Entra's {error, error_description} and falls back to HTTP_<status>", () => {
    expect(serviceError({ error: 'invalid_client', error_description: 'AADSTS7000215' })).toEqual({
      code: 'invalid_client',
      message: 'AADSTS7000215',
    });
    expect(errorFromResponse({ api: 'graph', operation: 'x' }, 500, '<html>').code).toBe('HTTP_500');
  });

  it('maps statuses onto kinds', () => {
    expect([401, 403, 404, 409, 412, 429, 400, 503].map(kindForStatus)).toEqual([
      'unauthorized',
      'forbidden',
      'notFound',
      'conflict',
      'conflict',
      'throttled',
      'badRequest',
      'unavailable',
    ]);
  });

  it('scrubs registered secrets from messages and keeps no transport error as cause', () => {
    registerSecretValue('Sup3rSecretValue~42');
    const error = errorFromResponse({ api: 'graph', operation: 'x' }, 400, {
      error: { code: 'Bad', message: 'echo Sup3rSecretValue~42' },
    });
    expect(error.message).not.toContain('Sup3rSecretValue~42');
    const lost = networkError(
      { api: 'graph', operation: 'addPassword' },
      'ECONNRESET',
      'outcomeUnknown',
      'socket hang up',
    );
    expect(lost).toMatchObject({ kind: 'outcomeUnknown', code: 'OutcomeUnknown', outcomeUnknown: true });
    expect((lost.cause as Error).message).toBe('ECONNRESET');
  });
});
