import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/settings.js';

/** Renders the settings table of src/config/settings.ts into docs/configuration.md, between its markers. */
const file = process.argv[2] ?? 'docs/configuration.md';
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8')));
console.log(`settings table written to ${file}`);
