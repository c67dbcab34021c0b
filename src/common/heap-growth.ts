import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept alive, before it
 * collects again: 50% here, where V8 on its own lets a large heap grow up to 4 times. The drift
 * sweep and the start-up migrations read every record once, and most of what they parse outlives
 * a young collection or two; on its own V8 keeps that garbage, and the memory it sits in, until
 * its memory reducer runs tens of seconds later. With 100,000 peerings an all-role process held
 * 328 MB after a sweep by V8's own rule and 236 MB by this one, at no cost to reads within the
 * noise (docs/performance.md, "Memory").
 *
 * Imported first by the entries, before anything has grown the heap. `node
 * --heap-growing-percent=<n>` on the command line chooses another value (0: V8's own rule).
 */
export const HEAP_GROWING_PERCENT = 50;

if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
