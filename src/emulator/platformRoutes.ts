/** Every Power Platform-side route (BAP, classic Power Apps, Power Platform API, Flow, Dataverse, Key Vault). */
import { canvasAppsRoutes } from './canvasAppsApi';
import { dataverseRoutes } from './dataverseApi';
import { flowRoutes } from './flowApi';
import { keyVaultRoutes } from './keyVaultApi';
import { powerAppsRoutes } from './powerAppsApi';
import { powerPlatformRoutes } from './powerPlatformApi';
import type { Route } from './route';

export function platformRoutes(): Route[] {
  return [
    ...powerAppsRoutes(),
    ...canvasAppsRoutes(),
    ...powerPlatformRoutes(),
    ...flowRoutes(),
    ...dataverseRoutes(),
    ...keyVaultRoutes(),
  ];
}
