import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureEmulatorCertificate } from '../../src/emulator';
import { loadOrCreateTls } from '../../src/emulator/certificate';

describe('the emulator certificate', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-cert-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once for loopback names and reused after', async () => {
    const caPath = await ensureEmulatorCertificate(dir);
    const cert = new X509Certificate(fs.readFileSync(caPath));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/);
    const first = fs.readFileSync(caPath, 'utf8');
    expect(await ensureEmulatorCertificate(dir)).toBe(caPath);
    expect(fs.readFileSync(caPath, 'utf8')).toBe(first);
    expect(loadOrCreateTls(dir).cert).toBe(first);
  });
});
