/**
 * Every emulated route names the public source it was checked against (routeSources.ts), and every entry of that
 * table belongs to a route that exists: the table is the one place a reader re-checks the emulator from.
 */
import { controlRoutes } from '../../src/emulator/control';
import { graphRoutes } from '../../src/emulator/graphApi';
import { identityRoutes } from '../../src/emulator/identityApi';
import { platformRoutes } from '../../src/emulator/platformRoutes';
import { ROUTE_SOURCES } from '../../src/emulator/routeSources';

const routes = [...identityRoutes(), ...graphRoutes(), ...platformRoutes(), ...controlRoutes()];

test('every route has a recorded public source', () => {
  const missing = routes
    .filter((r) => !r.source?.trim())
    .map((r) => `${r.api}.${r.name} ${r.method} ${r.pattern.source}`);
  expect(missing).toEqual([]);
});

test('every recorded source belongs to a registered route', () => {
  const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
  expect(registered.size).toBeGreaterThan(40);
  expect(Object.keys(ROUTE_SOURCES).filter((key) => !registered.has(key))).toEqual([]);
});

test('the real services are cited, not the emulator, except for its own control surface', () => {
  for (const r of routes) {
    if (r.api === 'control') expect(r.source).toMatch(/emulator control/);
    else expect(r.source).toMatch(/learn\.microsoft\.com|TF |CLI |PSAdmin|github\.com/);
  }
});
