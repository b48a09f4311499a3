/** Power Platform routes (BAP, Power Apps, Power Platform API, Flow, Dataverse, Key Vault): filled in next. */
import type { Route } from './route';

export function platformRoutes(): Route[] {
  return [];
}
