import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The page at `url` as a real headless Chromium renders it (scripts run), as HTML. */
export async function renderedDom(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'gw-chromium-'))}`,
      '--virtual-time-budget=10000',
      '--dump-dom',
      url,
    ],
    { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 },
  );
  return stdout;
}
