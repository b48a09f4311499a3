/**
 * The mappers of the Power Apps admin list of apps and of the Flow runs list, on answers written in the shapes the
 * CLI for Microsoft 365 recorded from the real services (pa app list, flow run list): an app's connectionReferences
 * name connectors, keyed by GUIDs; a run carries startTime, endTime and status, and a failed one its code.
 */
import { mapCanvasApp } from '../../src/clients/mapCanvasApp';
import { mapFlowRun, newestRun } from '../../src/clients/mapFlowRun';

describe('canvas apps as the admin list answers them', () => {
  it('reads the owner and the connectors (not connections), and a bound reference where one is named', () => {
    const app = mapCanvasApp(
      {
        name: '4d4bb961-0000-4000-8000-aa8d64e6b477',
        properties: {
          displayName: 'Request a team',
          owner: { id: 'a86f34fb-0000-4000-8000-b2648cc87a00', displayName: 'John Doe' },
          createdBy: { id: 'someone-else' },
          lastModifiedTime: '2020-07-08T12:28:37Z',
          connectionReferences: {
            '9d5036a3-0000-4000-8000-7dc0dbb2f8cb': {
              id: '/providers/microsoft.powerapps/apis/shared_office365users',
              displayName: 'Office 365 Users',
            },
            '97e5ce6b-0000-4000-8000-9b5d6476c732': {
              id: '/providers/microsoft.powerapps/apis/shared_sql',
              displayName: 'SQL Server',
              connectionReferenceLogicalName: 'cr_sharedsql_1a2b3',
            },
          },
        },
      },
      'Default-env',
    );
    expect(app).toEqual({
      id: '4d4bb961-0000-4000-8000-aa8d64e6b477',
      displayName: 'Request a team',
      environmentId: 'Default-env',
      ownerId: 'a86f34fb-0000-4000-8000-b2648cc87a00',
      ownerName: 'John Doe',
      lastModifiedTime: '2020-07-08T12:28:37Z',
      connectors: [
        { connector: 'shared_office365users' },
        { connector: 'shared_sql', connectionReferenceLogicalName: 'cr_sharedsql_1a2b3' },
      ],
    });
  });

  it('falls back to the creator when no owner is given, and skips an entry without a connector id', () => {
    const app = mapCanvasApp(
      { name: 'x', properties: { createdBy: { id: 'creator' }, connectionReferences: { k: { displayName: 'odd' } } } },
      'e',
    );
    expect(app).toMatchObject({ ownerId: 'creator', displayName: 'x', connectors: [] });
  });
});

describe('flow runs as the runs list answers them', () => {
  const run = (name: string, startTime: string, status: string, code?: string) => ({
    name,
    properties: { startTime, endTime: startTime, status, ...(code ? { code } : {}) },
  });

  it('takes the newest run of a page whatever its order, with a failed run’s code', () => {
    const page = [
      run('a', '2018-09-06T16:55:16.8922841Z', 'Succeeded', 'OK'),
      run('b', '2018-09-06T17:00:09.9484194Z', 'Failed', 'ActionFailed'),
    ].map(mapFlowRun);
    expect(newestRun(page)).toEqual({
      name: 'b',
      status: 'Failed',
      startTime: '2018-09-06T17:00:09.9484194Z',
      endTime: '2018-09-06T17:00:09.9484194Z',
      errorCode: 'ActionFailed',
    });
    // A succeeded run's "OK" code is not an error.
    expect(page[0]?.errorCode).toBeUndefined();
  });

  it('maps an unknown status to Other and drops a run without a start time', () => {
    expect(mapFlowRun(run('c', '2024-01-01T00:00:00Z', 'Waiting'))?.status).toBe('Other');
    expect(mapFlowRun({ name: 'd', properties: { status: 'Failed' } })).toBeUndefined();
    expect(newestRun([])).toBeUndefined();
  });
});
