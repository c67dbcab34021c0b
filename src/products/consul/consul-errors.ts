import type { Cluster } from '../../clusters/cluster.js';
import type { HttpAnswer } from '../../transport/cluster-http.js';
import { type ErrorKind, UpstreamError } from '../port.js';

/**
 * Consul answers errors in plain text, and a 500 is often final, so the kind is read from the
 * status AND the message (products.md). Each rule: status, text pattern, kind, what to tell.
 */
interface Rule {
  status: number | null;
  pattern: RegExp;
  kind: ErrorKind;
  conflict?: boolean;
  summary: string;
}

const RULES: Rule[] = [
  {
    status: 403,
    pattern: /peering token must be generated|invalid peering establishment secret/i,
    kind: 'secret-rejected',
    summary: 'the peering token was already used or replaced; a new one is needed',
  },
  { status: 403, pattern: /./, kind: 'final', summary: "the cluster's ACL token is not allowed to do this (peering:write / peering:read needed)" },
  { status: 500, pattern: /marked for deletion/i, kind: 'name-deleting', summary: 'a peering with this name is still being deleted on the cluster' },
  { status: 500, pattern: /is not a valid peer name/i, kind: 'final', summary: 'the cluster refuses the peer name' },
  {
    status: 500,
    pattern: /already an established peering/i,
    kind: 'final',
    conflict: true,
    summary: 'the cluster already has an established peering with this name',
  },
  { status: 500, pattern: /decod|invalid peering token|malformed/i, kind: 'final', summary: 'the peering token cannot be read' },
  { status: 500, pattern: /dialer|acceptor|cannot (create|generate)|not allowed|partition/i, kind: 'final', summary: 'the cluster refuses this peering' },
  // Anything else a 500 says (no leader, raft, rpc timeouts) is a server in trouble: try again later.
  { status: 500, pattern: /./, kind: 'transient', summary: 'the cluster failed to answer' },
  { status: 400, pattern: /./, kind: 'final', summary: 'the cluster refused the request as malformed' },
  { status: 404, pattern: /./, kind: 'not-found', summary: 'the peering does not exist on the cluster' },
  { status: 429, pattern: /./, kind: 'transient', summary: 'the cluster is rate limiting calls' },
];

export function classifyConsulAnswer(cluster: Cluster, answer: HttpAnswer): UpstreamError {
  const message = consulErrorText(answer);
  const rule = RULES.find((r) => r.status === answer.status && r.pattern.test(message));
  const kind: ErrorKind = rule?.kind ?? (answer.status >= 500 ? 'transient' : 'final');
  const upstream = { product: 'consul' as const, cluster: cluster.id, status: answer.status, code: null, message };
  const gatewayCode = rule?.conflict ? 'conflict' : kind === 'transient' ? 'upstream_unavailable' : 'upstream_rejected';
  return new UpstreamError(kind, upstream, gatewayCode, rule?.summary, retryAfterMs(answer));
}

/** Longest product error text shown in `upstream.message`. */
export const UPSTREAM_MESSAGE_MAX = 500;

function header(answer: HttpAnswer, name: string): string | undefined {
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

/** Consul answers errors in plain text; anything else is not Consul speaking. */
function consulErrorText(answer: HttpAnswer): string {
  if (!answer.text.trim()) return `HTTP ${answer.status}`;
  const type = header(answer, 'content-type');
  if (type !== undefined && !/^text\/plain\b/i.test(type.trim())) return unexpectedAnswer(answer);
  return cleanUpstreamText(answer.text);
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
