#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createGatewayClient,
  type CreatePeering,
  type GatewayClient,
  GatewayProblemError,
  must,
  type Operation,
  type OperationStep,
  type Peering,
  type PeeringState,
} from '../src/index.js';
import { exportsOf, READY_OPTIONS, READY_USAGE, svmPeers } from './ready-options.js';
import { serveMcpOverStdio } from './mcp-stdio.js';
import { approve, listApprovals, NotReadyError, plan, reject } from './self-service.js';

/*
 * peeringctl: the gateway from a terminal, on the typed client (../src/index.ts).
 * Results go to stdout (text, or JSON with --output json); progress goes to stderr.
 * Exit codes: 0 done, 1 the gateway refused or the peering FAILED, 2 bad usage, 3 --wait timed out.
 */

const USAGE = `peeringctl: peerings on NetApp ONTAP clusters and Consul datacenters, through the peering gateway

Usage:
  peeringctl help [COMMAND]   this text, or one command's (also: peeringctl COMMAND --help)
  peeringctl peerings create --name NAME --local CLUSTER (--remote CLUSTER | --external) [options] [--wait]
  peeringctl peerings create --file body.json [--wait]
  peeringctl peerings list [--product P] [--state S] [--cluster C] [--limit N]
  peeringctl peerings get ID
  peeringctl peerings watch ID            follow the event stream until DELETED
  peeringctl peerings delete ID [--wait]
  peeringctl peerings retry ID [--wait]
  peeringctl peerings plan (the create options)   a dry run: the checks as a table; exit 1 when not ready
  peeringctl peerings approve ID [--comment TEXT]
  peeringctl peerings reject ID --reason TEXT
  peeringctl approvals list
  peeringctl clusters list
  peeringctl operations get ID
  peeringctl mcp            an MCP server on stdio for a desktop agent: the gateway's tools (docs/mcp.md)

Create options:
  --label k=v               a label (repeatable)
  --encryption MODE         ONTAP: none or tls_psk
  --passphrase-expiry DUR   ONTAP: ISO 8601 duration, at most P7D
  --ipspace NAME            ONTAP: IPspace of the intercluster LIFs
  --external                the remote side is not managed by the gateway (an offer, or an accept with --secret)
  --secret SECRET           accept with the far side's passphrase or token
  --remote-address IP       ONTAP external peer: its intercluster address (repeatable)
  --meta k=v                Consul: peering metadata (repeatable)
${READY_USAGE}
  --file FILE               the request body as JSON (flags given too override its fields)
  --idempotency-key KEY     replay-safe create or delete

Common options:
  --wait                    follow the operation: its steps as they happen, until the peering settles
  --timeout SECONDS         how long --wait and watch follow (default 600)
  --interval MS             how often --wait polls; watch's pause before reconnecting (default 500)
  --output text|json        json prints the final resource as JSON (default text)
  --url URL                 the gateway (default: GATEWAY_URL, or http://localhost:8080)
  --token TOKEN             a bearer token (default: GATEWAY_TOKEN)

Exit codes: 0 done; 1 the gateway refused, or the peering FAILED; 2 bad usage; 3 --wait or watch timed out.`;

const OPTIONS = {
  name: { type: 'string' },
  local: { type: 'string' },
  remote: { type: 'string' },
  external: { type: 'boolean' },
  secret: { type: 'string' },
  'remote-address': { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
  meta: { type: 'string', multiple: true },
  encryption: { type: 'string' },
  'passphrase-expiry': { type: 'string' },
  ipspace: { type: 'string' },
  file: { type: 'string' },
  'idempotency-key': { type: 'string' },
  comment: { type: 'string' },
  reason: { type: 'string' },
  product: { type: 'string' },
  state: { type: 'string' },
  cluster: { type: 'string' },
  limit: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
  output: { type: 'string', short: 'o' },
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...READY_OPTIONS,
} as const;

/**
 * The help of one command (`peeringctl peerings create --help`): its usage lines from USAGE, the
 * create options when it creates, and the common options. A command added to USAGE has its help.
 */
function commandHelp(command: string[]): string | null {
  const prefix = `  peeringctl ${command.join(' ')}`;
  const lines = USAGE.split('\n');
  const usage = lines.filter((line) => line === prefix || line.startsWith(`${prefix} `));
  if (usage.length === 0) return null;
  const section = (title: string): string[] => {
    const start = lines.indexOf(title);
    const end = lines.findIndex((line, i) => i > start && line === '');
    return start < 0 ? [] : lines.slice(start, end < 0 ? undefined : end);
  };
  const create = command.includes('create') || command.includes('plan') ? ['', ...section('Create options:')] : [];
  return ['Usage:', ...usage, ...create, '', ...section('Common options:')].join('\n');
}

/** A request that never reached the gateway: the URL and the cause, not only `fetch failed`. */
function unreachable(error: unknown, url: string): string | null {
  if (!(error instanceof TypeError) || !(error.cause instanceof Error)) return null;
  const cause = error.cause as Error & { code?: string };
  return `cannot reach the gateway at ${url}: ${cause.code ? `${cause.code} ` : ''}${cause.message} (set GATEWAY_URL or --url)`;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}
class TimeoutError extends Error {}
/** The peering or its operation ended in failure: the message is the problem's detail. */
class FailedError extends Error {}

interface Context {
  client: GatewayClient;
  url: string;
  token: string;
  values: Values;
  json: boolean;
  timeoutMs: number;
  intervalMs: number;
  out: (line: string) => void;
  err: (line: string) => void;
}

function pairs(list: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const result: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} takes key=value, got '${item}'`);
    result[item.slice(0, at)] = item.slice(at + 1);
  }
  return result;
}

function number(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number, got '${value}'`);
  return n;
}

const PRODUCTS: readonly Peering['product'][] = ['ontap', 'consul'];
const STATES: readonly PeeringState[] = ['PENDING', 'ESTABLISHING', 'ACTIVE', 'DEGRADED', 'FAILED', 'DELETING', 'DELETED'];

function oneOf<T extends string>(value: string, list: readonly T[], flag: string): T {
  const found = list.find((item) => item === value);
  if (found === undefined) throw new UsageError(`--${flag} must be one of: ${list.join(', ')}`);
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The create body: the --file (if any), then the flags over it. */
function createBody(values: Values): CreatePeering {
  let base: Record<string, unknown> = {};
  if (values.file) {
    const parsed: unknown = JSON.parse(readFileSync(values.file, 'utf8'));
    if (!isRecord(parsed)) throw new UsageError(`${values.file} must hold a JSON object`);
    base = parsed;
  }
  const name = values.name ?? (typeof base.name === 'string' ? base.name : undefined);
  const localCluster = values.local ?? (isRecord(base.local) && typeof base.local.cluster === 'string' ? base.local.cluster : undefined);
  if (!name) throw new UsageError('--name is required');
  if (!localCluster) throw new UsageError('--local is required (a cluster id: peeringctl clusters list)');

  let remote: CreatePeering['remote'];
  if (values.remote) remote = { cluster: values.remote };
  else if (values.external || values.secret || values['remote-address'])
    remote = {
      external: { ...(values.secret ? { secret: values.secret } : {}), ...(values['remote-address'] ? { addresses: values['remote-address'] } : {}) },
    };
  else if (isRecord(base.remote)) remote = base.remote;
  else throw new UsageError('--remote CLUSTER or --external is required');

  const body: CreatePeering = { ...base, name, local: { cluster: localCluster }, remote };
  const ontap = {
    ...(isRecord(base.ontap) ? base.ontap : {}),
    ...(values.encryption ? { encryption: oneOf(values.encryption === 'tls-psk' ? 'tls_psk' : values.encryption, ['none', 'tls_psk'], 'encryption') } : {}),
    ...(values['passphrase-expiry'] ? { passphraseExpiry: values['passphrase-expiry'] } : {}),
    ...(values.ipspace ? { ipspace: values.ipspace } : {}),
    ...(values['svm-peer'] ? { svmPeers: svmPeers(values['svm-peer'], (message) => new UsageError(message)) } : {}),
  };
  if (Object.keys(ontap).length > 0) body.ontap = ontap;
  const meta = pairs(values.meta, 'meta');
  const exports = exportsOf(values.export, values['export-remote']);
  if (meta || exports) body.consul = { ...(isRecord(base.consul) ? base.consul : {}), ...(meta ? { meta } : {}), ...(exports ? { exports } : {}) };
  const labels = pairs(values.label, 'label');
  if (labels) body.labels = { ...body.labels, ...labels };
  return body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STEP_MARK: Record<OperationStep['status'], string> = { running: '...', succeeded: 'ok ', failed: 'ERR', skipped: '-- ' };

/** Prints the steps of an operation as they appear and finish, once each. */
class StepPrinter {
  private readonly printed = new Map<number, string>();
  private lastStatus = '';

  constructor(private readonly err: (line: string) => void) {}

  show(operation: Operation): void {
    if (operation.status !== this.lastStatus) {
      this.lastStatus = operation.status;
      const attempt = operation.attempts > 1 ? ` (attempt ${operation.attempts})` : '';
      const retry = operation.status === 'retrying' && operation.nextAttemptAt ? `, next attempt at ${operation.nextAttemptAt}` : '';
      this.err(`operation ${operation.id} (${operation.type}): ${operation.status}${attempt}${retry}`);
    }
    operation.steps.forEach((step, index) => {
      if (this.printed.get(index) === step.status) return;
      this.printed.set(index, step.status);
      this.err(`  [${STEP_MARK[step.status]}] ${step.name}${step.detail ? `: ${step.detail}` : ''}`);
    });
  }
}

async function getPeering(ctx: Context, id: string): Promise<Peering> {
  return must(ctx.client.GET('/v1/peerings/{id}', { params: { path: { id } } }));
}

/**
 * Follows a peering and its latest operation until the peering reaches one of `goals` (success)
 * or FAILED, or the operation fails. Progress on stderr; the final peering is returned.
 */
async function follow(ctx: Context, start: Peering, goals: readonly PeeringState[]): Promise<Peering> {
  const printer = new StepPrinter(ctx.err);
  const deadline = Date.now() + ctx.timeoutMs;
  let peering = start;
  let state = '';
  for (;;) {
    if (peering.state !== state) {
      state = peering.state;
      ctx.err(`peering ${peering.id} (${peering.name}): ${state}${peering.stateReason ? ` (${peering.stateReason})` : ''}`);
    }
    const operation = await must(ctx.client.GET('/v1/operations/{id}', { params: { path: { id: peering.operationId } } }));
    printer.show(operation);
    // The peering is written settled a moment before its operation is marked done: the last
    // steps are shown, and `operations get` afterwards answers the final status.
    const operationDone = operation.status === 'succeeded' || operation.status === 'failed';
    if (goals.includes(peering.state) && (operationDone || Date.now() > deadline)) return peering;
    if (peering.state === 'FAILED') throw new FailedError(peering.lastError?.detail ?? operation.lastError?.detail ?? 'the peering FAILED');
    if (operation.status === 'failed' && operation.id === peering.operationId) {
      // The peering may still move to FAILED: read it once more for its own words.
      peering = await getPeering(ctx, peering.id);
      if (!goals.includes(peering.state)) throw new FailedError(peering.lastError?.detail ?? operation.lastError?.detail ?? 'the operation failed');
      continue;
    }
    if (Date.now() > deadline)
      throw new TimeoutError(`peering ${peering.id} is ${peering.state} after ${ctx.timeoutMs / 1000} s; still going: peeringctl peerings watch ${peering.id}`);
    await sleep(ctx.intervalMs);
    peering = await getPeering(ctx, peering.id);
  }
}

/**
 * Follows `GET /v1/peerings/{id}/watch` (Server-Sent Events) until the peering is DELETED: a
 * line per event on stderr, the final peering returned. A dropped stream is opened again with
 * `Last-Event-ID`, so nothing is missed and nothing is shown twice.
 */
async function watchEvents(ctx: Context, id: string): Promise<Peering> {
  const deadline = Date.now() + ctx.timeoutMs;
  let lastEventId: string | undefined;
  let peering: Peering | undefined;
  while (Date.now() < deadline) {
    const headers: Record<string, string> = { authorization: `Bearer ${ctx.token}`, accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(`${ctx.url}/v1/peerings/${encodeURIComponent(id)}/watch`, {
      headers,
      signal: AbortSignal.timeout(deadline - Date.now()),
    }).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'TimeoutError') return null;
      throw error;
    });
    if (!response) break;
    if (!response.ok || !response.body) {
      const problem = (await response.json().catch(() => ({}))) as { detail?: string; code?: string };
      throw new FailedError(`${problem.detail ?? response.statusText} (${problem.code ?? 'error'}, HTTP ${response.status})`);
    }
    let buffer = '';
    try {
      for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            message
              .split('\n')
              .find((line) => line.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          const data = field('data');
          if (!data) continue;
          lastEventId = field('id') ?? lastEventId;
          const event = JSON.parse(data) as { type: string; data: { peering?: Peering | null } };
          if (event.data.peering) peering = event.data.peering;
          ctx.err(`${event.type}: peering ${id}${peering ? ` ${peering.state}${peering.stateReason ? ` (${peering.stateReason})` : ''}` : ''}`);
          if (peering?.state === 'DELETED') return peering;
        }
      }
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'TimeoutError')) await sleep(ctx.intervalMs);
    }
  }
  throw new TimeoutError(`peering ${id} is ${peering?.state ?? 'unknown'} after ${ctx.timeoutMs / 1000} s`);
}

function peeringLine(p: Peering): string {
  const remote = p.remote.cluster ?? 'external';
  return `${p.id}  ${p.name}  ${p.product}  ${p.local.cluster} -> ${remote}  ${p.state}`;
}

function printPeering(ctx: Context, p: Peering): void {
  if (ctx.json) return ctx.out(JSON.stringify(p, null, 2));
  ctx.out(peeringLine(p));
  ctx.out(`  operation ${p.operationId}; updated ${p.updatedAt}`);
  if (p.lastError) ctx.out(`  last error: ${p.lastError.detail} (${p.lastError.code})`);
  // Why it is (or is not) ready: one line per condition, as `kubectl describe` shows them.
  for (const c of p.conditions ?? []) ctx.out(`  ${c.type}=${c.status}  ${c.reason}${c.message ? `: ${c.message}` : ''}`);
}

function positional(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`${what} is required`);
  return value;
}

async function peerings(ctx: Context, action: string | undefined, positionals: string[]): Promise<void> {
  const { values, client } = ctx;
  const idempotency = values['idempotency-key'] ? { 'Idempotency-Key': values['idempotency-key'] } : undefined;
  switch (action) {
    case 'create': {
      const peering = await must(client.POST('/v1/peerings', { body: createBody(values), params: { header: idempotency } }));
      return printPeering(ctx, values.wait ? await follow(ctx, peering, ['ACTIVE']) : peering);
    }
    case 'list': {
      const query = {
        ...(values.product ? { product: oneOf(values.product, PRODUCTS, 'product') } : {}),
        ...(values.state ? { state: oneOf(values.state, STATES, 'state') } : {}),
        ...(values.cluster ? { cluster: values.cluster } : {}),
        ...(values.limit ? { limit: number(values.limit, 'limit', 50) } : {}),
      };
      const page = await must(client.GET('/v1/peerings', { params: { query } }));
      if (ctx.json) return ctx.out(JSON.stringify(page, null, 2));
      for (const p of page.items) ctx.out(peeringLine(p));
      if (page.nextCursor) ctx.err(`more: the API's ?cursor=${page.nextCursor}`);
      return;
    }
    case 'get':
      return printPeering(ctx, await getPeering(ctx, positional(positionals, 0, 'the peering id')));
    case 'watch': {
      const id = positional(positionals, 0, 'the peering id');
      return printPeering(ctx, await watchEvents(ctx, id));
    }
    case 'delete': {
      const id = positional(positionals, 0, 'the peering id');
      const peering = await must(client.DELETE('/v1/peerings/{id}', { params: { path: { id }, header: idempotency } }));
      return printPeering(ctx, values.wait ? await follow(ctx, peering, ['DELETED']) : peering);
    }
    case 'plan':
      return plan(ctx, createBody(values));
    case 'approve':
      return approve(ctx, positional(positionals, 0, 'the peering id'), values.comment);
    case 'reject':
      if (!values.reason) throw new UsageError('--reason is required: say why the peering is rejected');
      return reject(ctx, positional(positionals, 0, 'the peering id'), values.reason);
    case 'retry': {
      const id = positional(positionals, 0, 'the peering id');
      const peering = await must(client.POST('/v1/peerings/{id}/retry', { params: { path: { id }, header: idempotency } }));
      return printPeering(ctx, values.wait ? await follow(ctx, peering, ['ACTIVE']) : peering);
    }
    default:
      throw new UsageError(`unknown command: peerings ${action ?? ''}`);
  }
}

function baseUrl(values: Values): string {
  return (values.url ?? process.env.GATEWAY_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
}

function token(values: Values): string {
  const value = values.token ?? process.env.GATEWAY_TOKEN;
  if (!value) throw new UsageError('a token is required: set GATEWAY_TOKEN (or --token)');
  return value;
}

async function run(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let url = 'http://localhost:8080';
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [resource, action, ...rest] = positionals;
    if (resource === 'help' && positionals.length > 1) positionals.shift();
    const help = values.help || resource === 'help';
    const command = positionals.slice(0, 2).filter((word) => word !== 'help');
    if (help && command.length > 0) {
      const text = commandHelp(command);
      if (!text) throw new UsageError(`unknown command: ${command.join(' ')}`);
      out(text);
      return 0;
    }
    if (help || !resource) {
      out(USAGE);
      return help ? 0 : 2;
    }
    url = baseUrl(values);
    if (values.output && !['text', 'json'].includes(values.output)) throw new UsageError('--output must be text or json');
    if (resource === 'mcp') return await serveMcpOverStdio(baseUrl(values), token(values), err);
    const ctx: Context = {
      client: createGatewayClient(url, token(values)),
      url,
      token: token(values),
      values,
      json: values.output === 'json',
      timeoutMs: number(values.timeout, 'timeout', 600) * 1000,
      intervalMs: number(values.interval, 'interval', 500),
      out,
      err,
    };
    if (resource === 'peerings') await peerings(ctx, action, rest);
    else if (resource === 'approvals' && action === 'list') await listApprovals(ctx);
    else if (resource === 'clusters' && action === 'list') {
      const { items } = await must(ctx.client.GET('/v1/clusters'));
      if (ctx.json) out(JSON.stringify(items, null, 2));
      else for (const c of items) out(`${c.id}  ${c.product}  ${c.endpoint}`);
    } else if (resource === 'operations' && action === 'get') {
      const id = positional(rest, 0, 'the operation id');
      const operation = await must(ctx.client.GET('/v1/operations/{id}', { params: { path: { id } } }));
      if (ctx.json) out(JSON.stringify(operation, null, 2));
      else {
        out(`${operation.id}  ${operation.type}  peering ${operation.peeringId}  ${operation.status}  attempts ${operation.attempts}`);
        for (const step of operation.steps) out(`  [${STEP_MARK[step.status]}] ${step.name}${step.detail ? `: ${step.detail}` : ''}`);
        if (operation.lastError) out(`  last error: ${operation.lastError.detail}`);
      }
    } else throw new UsageError(`unknown command: ${[resource, action].filter(Boolean).join(' ')}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`peeringctl: ${error.message}\n(peeringctl --help for the commands)`);
      return 2;
    }
    if (error instanceof GatewayProblemError) {
      err(`peeringctl: ${error.message}${error.problem.code ? ` (${error.problem.code}, HTTP ${error.status})` : ` (HTTP ${error.status})`}`);
      return 1;
    }
    if (error instanceof NotReadyError) {
      err(`peeringctl: ${error.message}`);
      return 1;
    }
    if (error instanceof FailedError) {
      err(`peeringctl: FAILED: ${error.message}`);
      return 1;
    }
    if (error instanceof TimeoutError) {
      err(`peeringctl: ${error.message}`);
      return 3;
    }
    err(`peeringctl: ${unreachable(error, url) ?? (error instanceof Error ? error.message : String(error))}`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
