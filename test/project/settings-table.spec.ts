import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { pluginSettingRow, renderSettingsTable, SETTINGS, withSettingsTable } from '../../src/config/settings.js';
import { productPlugins } from '../../src/products/index.js';

/** The loaders that read the environment; each setting they read must be in SETTINGS, with its default. */
const LOADERS = ['src/config/gateway-config.ts', 'src/watch/watch-settings.ts'];
const source = LOADERS.map((file) => readFileSync(file, 'utf8')).join('\n');

describe('the settings table', () => {
  it('names every setting the loaders read, and nothing else', () => {
    const read = new Set([...source.matchAll(/env(?:\.|, ')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(SETTINGS.map((s) => s.name).sort()).toEqual([...read].sort());
  });

  it('states the default of every number the loaders read', () => {
    const numbers = [...source.matchAll(/int\(env, '([A-Z0-9_]+)', ([\d_ *]+)[,)]/g)];
    expect(numbers.length).toBeGreaterThan(20);
    for (const [, name, expression] of numbers) {
      const value = expression
        .replaceAll('_', '')
        .split('*')
        .reduce((product, factor) => product * Number(factor.trim()), 1);
      expect([name, SETTINGS.find((s) => s.name === name)?.default]).toEqual([name, String(value)]);
    }
  });

  it('states the other written defaults the loaders use', () => {
    const written = [...source.matchAll(/(?:env\.([A-Z0-9_]+) \?\? '([^']*)'|'([A-Z0-9_]+)', '([^']+)'\))/g)];
    expect(written.length).toBeGreaterThan(3);
    for (const m of written) {
      const [name, value] = m[1] ? [m[1], m[2]] : [m[3], m[4]];
      expect([name, SETTINGS.find((s) => s.name === name)?.default]).toEqual([name, value]);
    }
  });

  it('is what docs/configuration.md shows (npm run docs:settings writes it)', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const plugins = productPlugins().flatMap((plugin) => (plugin.settings ?? []).map(pluginSettingRow));
    expect(plugins.length).toBeGreaterThan(0);
    expect(doc).toEqual(withSettingsTable(doc, renderSettingsTable([...SETTINGS, ...plugins])));
  });
});
