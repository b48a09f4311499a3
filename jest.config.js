/** Tests mirror src/ under test/. Slow suites (browser, multi-process) opt in through their own timeouts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 30000,
  // The demo-tenant emulator's certificate: created once, trusted by every test process.
  globalSetup: '<rootDir>/test/globalSetup.ts',
  setupFiles: ['<rootDir>/test/trustEmulatorCertificate.ts'],
  // Each worker talks to its own emulator on a free port; two workers fit two cores.
  maxWorkers: 2,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(process.env.SOAK ? [] : ['\\.soak\\.test\\.ts$'])],
};
