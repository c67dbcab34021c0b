import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import semver from 'semver';

/**
 * Node 20 is what the project runs on (`engines` in package.json): every installed package must
 * support its oldest version, and npm must refuse (not warn of) a package that does not, so
 * that `npm ci` in CI fails on an engine mismatch.
 */
describe('Node engines', () => {
  const root = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  const oldest = semver.minVersion(root.engines.node)!.version;

  it('every locked package supports the oldest Node that package.json allows', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
    const unsupported = Object.entries(lock.packages)
      .map(([path, pkg]) => ({ path, version: pkg.version, node: (pkg.engines as { node?: string } | undefined)?.node }))
      .filter((pkg) => typeof pkg.node === 'string' && !semver.satisfies(oldest, pkg.node))
      .map((pkg) => `${pkg.path}@${pkg.version} needs Node ${pkg.node}`);
    expect(unsupported).toEqual([]);
  });

  it('npm is strict about engines, so that npm ci fails on a mismatch', () => {
    const npmrc = readFileSync('.npmrc', 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(npmrc).toContain('engine-strict=true');
  });
});
