import { readFileSync, writeFileSync } from 'node:fs';
import { pluginSettingRow, renderSettingsTable, SETTINGS, withSettingsTable } from '../src/config/settings.js';
import { productPlugins } from '../src/products/index.js';

/** Renders the settings of src/config/settings.ts and of the product plugins into docs/configuration.md, between its markers. */
function settingsTable(): string {
  return renderSettingsTable([...SETTINGS, ...productPlugins().flatMap((plugin) => (plugin.settings ?? []).map(pluginSettingRow))]);
}

const file = process.argv[2] ?? 'docs/configuration.md';
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8'), settingsTable()));
console.log(`settings table written to ${file}`);
