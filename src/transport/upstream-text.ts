import type { HttpAnswer } from './cluster-http.js';

/** How much of a product's own error text the gateway shows (in `upstream.message`). */
export const UPSTREAM_MESSAGE_MAX = 500;

export function header(answer: HttpAnswer, name: string): string | undefined {
  const raw = answer.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** Product text without control characters (tabs and new lines stay), trimmed and capped. */
export function cleanUpstreamText(text: string): string {
  const clean = Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && c !== '\t' && c !== '\n') || code === 0x7f ? ' ' : c;
  })
    .join('')
    .trim();
  return clean.length > UPSTREAM_MESSAGE_MAX ? `${clean.slice(0, UPSTREAM_MESSAGE_MAX - 1)}…` : clean;
}

/**
 * What an answer that is not the product's error shape reads as: its status, type and size,
 * never its body (a proxy's page, or whatever answered at the endpoint, is not ours to echo).
 */
export function unexpectedAnswer(answer: HttpAnswer): string {
  const type = header(answer, 'content-type')?.split(';')[0].trim() || 'no content type';
  return `unexpected answer (HTTP ${answer.status}, ${type}, ${Buffer.byteLength(answer.text)} bytes)`;
}

export function retryAfterMs(answer: HttpAnswer): number | undefined {
  const raw = answer.headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
