import { mapSolutionFlow, referencedLogicalNames } from '../../src/clients/mapDataverse';
import { mapFlow } from '../../src/clients/mapFlow';

describe('mapDataverse', () => {
  it('reads connection reference names from clientdata, nested or flat, without duplicates', () => {
    const clientdata = JSON.stringify({
      properties: {
        connectionReferences: {
          shared_commondataserviceforapps: {
            runtimeSource: 'embedded',
            connection: { connectionReferenceLogicalName: 'lunch_dataverse' },
          },
          shared_sharepointonline: { runtimeSource: 'invoker', connectionReferenceLogicalName: 'lunch_sharepoint' },
          shared_sharepointonline_1: { connection: { connectionReferenceLogicalName: 'lunch_sharepoint' } },
        },
      },
    });
    expect(referencedLogicalNames(clientdata)).toEqual(['lunch_dataverse', 'lunch_sharepoint']);
    expect(referencedLogicalNames('not json')).toEqual([]);
  });

  it('maps a workflow row', () => {
    expect(mapSolutionFlow({ workflowid: 'w1', name: 'Lunch', statecode: 1, clientdata: null })).toEqual({
      workflowId: 'w1',
      name: 'Lunch',
      stateCode: 1,
      ownerId: undefined,
      connectionReferenceLogicalNames: [],
    });
  });
});

describe('mapFlow', () => {
  it('reads state, creator and each connection reference with its source', () => {
    const flow = mapFlow(
      {
        name: 'f1',
        properties: {
          displayName: 'Weekly report',
          state: 'Stopped',
          creator: { objectId: 'megan' },
          connectionReferences: {
            shared_office365: {
              connectionName: 'c-outlook',
              source: 'Embedded',
              id: '/providers/Microsoft.PowerApps/apis/shared_office365',
            },
            shared_sharepointonline: {
              source: 'Invoker',
              id: '/providers/Microsoft.PowerApps/apis/shared_sharepointonline',
            },
          },
        },
      },
      'dev',
    );
    expect(flow).toMatchObject({ id: 'f1', environmentId: 'dev', state: 'Stopped', creatorId: 'megan' });
    expect(flow.connectionReferences).toEqual([
      {
        key: 'shared_office365',
        connector: 'shared_office365',
        connectionName: 'c-outlook',
        connectionReferenceLogicalName: undefined,
        source: 'Embedded',
      },
      {
        key: 'shared_sharepointonline',
        connector: 'shared_sharepointonline',
        connectionName: undefined,
        connectionReferenceLogicalName: undefined,
        source: 'Invoker',
      },
    ]);
  });
});
