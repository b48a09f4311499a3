/** Scale mode: a deterministic synthetic tenant (filled in next). */
import type { TenantState } from './tenantState';

export function scaleTenant(fixture: TenantState, _scale: { seed: number; size: number }, _now: Date): TenantState {
  return fixture;
}
