#!/usr/bin/env node
// The `peeringctl` command (package.json bin): runs the compiled CLI (clients/typescript/cli/peeringctl.ts).
/* global process, console, URL */
import { existsSync } from 'node:fs';

const cli = new URL('../dist/clients/typescript/cli/peeringctl.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('peeringctl is not built yet: run npm run build first');
  process.exit(1);
}
await import(cli.href);
