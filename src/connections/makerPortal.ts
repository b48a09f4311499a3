/**
 * Links into the Power Automate maker portal, where people fix connections themselves. Public cloud address;
 * national clouds use other hosts, so it is the one place to change.
 */
const MAKER_PORTAL = 'https://make.powerautomate.com';

export function connectionsPageUrl(environmentId: string): string {
  return `${MAKER_PORTAL}/environments/${encodeURIComponent(environmentId)}/connections`;
}

export function flowPageUrl(environmentId: string, flowId: string): string {
  return `${MAKER_PORTAL}/environments/${encodeURIComponent(environmentId)}/flows/${encodeURIComponent(flowId)}/details`;
}
