/**
 * Rule: connections that were never finished (status ConfigurationNeeded). Nothing runs on them yet, so it is low
 * severity and nobody is alerted unasked; the finding itself is built with the connections in Error (same remedy
 * logic, see connectionsInError.ts).
 */
import { notConnected } from './connectionsInError';
import { ownersAndMakers, type GovernanceRule } from './governanceRule';

export const connectionNeedsConfigurationRule: GovernanceRule = {
  kind: 'connection-needs-configuration',
  label: 'Connection needs configuration',
  scope: 'environment',
  run: (snapshot) => notConnected(snapshot, (status) => status === 'ConfigurationNeeded'),
  stakeholders: ownersAndMakers,
};
