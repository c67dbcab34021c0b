import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROUTE_RETRY } from '../../src/orchestration/retry.js';

/** Facts the README and its docs state that the code or package.json decides: they must say what those do. */
describe('the README and its docs', () => {
  const readme = readFileSync('README.md', 'utf8');
  const docs = ['README.md', 'docs/api.md', 'docs/configuration.md', 'docs/operations.md', 'docs/access.md']
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');

  it('give the steady route retry cadence of the code', () => {
    const stated = [...docs.matchAll(/`steady` \(the same request every (\d+) ms for ([\d.]+) s\)/g)];
    expect(stated.length).toBeGreaterThan(0);
    for (const [, every, window] of stated) expect([Number(every), Number(window) * 1000]).toEqual([ROUTE_RETRY.firstDelayMs, ROUTE_RETRY.windowMs]);
  });

  it('write no fixed date in their examples, which would expire: dates are computed (date -d)', () => {
    expect(docs.match(/"expiresAt": "\d{4}-\d{2}-\d{2}/g) ?? []).toEqual([]);
  });

  it('show the quick start lines exactly, each on a line of its own', () => {
    const lines = readme.split('\n');
    expect(lines).toContain('npm ci && npm start');
    expect(lines).toContain('npm ci && npm test');
  });

  it('list every dependency of package.json and of the client package in docs/dependencies.md, and no other', () => {
    type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const manifests = ['package.json', 'clients/typescript/package.json'].map((file) => JSON.parse(readFileSync(file, 'utf8')) as Manifest);
    const declared = new Set(manifests.flatMap((m) => [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})]));
    const table = readFileSync('docs/dependencies.md', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| package'));
    const listed = new Set(table.flatMap((line) => [...line.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1])));
    expect([...listed].sort()).toEqual([...declared].sort());
  });
});
