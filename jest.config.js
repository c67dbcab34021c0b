/**
 * Jest in native ESM mode (NestJS 12 is ESM-only): run with node --experimental-vm-modules.
 * TypeScript is compiled by SWC with decorator metadata, as tsc does for the build.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/sim', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import './x.js' (NodeNext); Jest resolves the .ts file behind it.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    // CommonJS packages that require() an ESM-only one (Jest's loader has no require(esm) on Node 20):
    // that one is compiled to CommonJS for the tests.
    '/node_modules/(content-disposition|cookie)/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'es6' },
      },
    ],
  },
  // One real Redis for the whole run (suites keep apart by key prefix); processes spawned by
  // suites run the compiled build, so `npm test` builds first.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 180_000,
  // The e2e suites spawn processes and servers; a suite that leaks a handle must not hang CI.
  forceExit: true,
};
