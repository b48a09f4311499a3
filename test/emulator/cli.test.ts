import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { EmulatorInfo } from '../../src/emulator';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm run emulator', () => {
  it('prints one JSON line of EmulatorInfo, serves, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/emulator.ts', '--port', '0', '--latency', '1', '--faults', 'flow:error=0.01'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('emulator exited before printing its info')));
      });
      const info = JSON.parse(line) as EmulatorInfo;
      expect(Object.keys(info).sort()).toEqual(
        [
          'authorityHost',
          'bap',
          'caCertPath',
          'clientId',
          'clientSecret',
          'control',
          'dataverse',
          'flow',
          'graph',
          'keyVault',
          'powerApps',
          'powerPlatform',
          'regionalHosts',
          'tenantId',
        ].sort(),
      );
      expect(Object.keys(info.dataverse).sort()).toEqual(
        ['Contoso (default)', 'Contoso DEV', 'Contoso PROD', 'Contoso TEST'].sort(),
      );
      const metadata = await fetch(`${info.authorityHost}/${info.tenantId}/v2.0/.well-known/openid-configuration`);
      expect(metadata.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
