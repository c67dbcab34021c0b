/**
 * Every setting the gateway reads from its environment, in one place: its name, its default and
 * what it means. `npm run docs:settings` renders this table into docs/configuration.md, and
 * test/project/settings-table.spec.ts fails when a setting read by the loaders (gateway-config.ts,
 * src/watch/watch-settings.ts) is missing here or states another default.
 */
export interface Setting {
  readonly name: string;
  /** The default as written in the doc; for numbers, the loader's own default. */
  readonly default: string;
  readonly meaning: string;
}

export const SETTINGS: readonly Setting[] = [
  { name: 'PORT', default: '8080', meaning: 'HTTP port of the API' },
  { name: 'HOST', default: '0.0.0.0', meaning: 'address the API listens on' },
  {
    name: 'REDIS_URL',
    default: 'unset',
    meaning:
      'Redis to use (`redis://` or `rediss://`); in the sandbox, when unset, a private `redis-server` is started (AOF on) with its data under `GATEWAY_DATA_DIR`',
  },
  { name: 'REDIS_SENTINELS', default: 'unset', meaning: 'Redis Sentinel (`host:port,...`), instead of `REDIS_URL`; needs `REDIS_SENTINEL_NAME`' },
  { name: 'REDIS_SENTINEL_NAME', default: 'unset', meaning: 'the name of the master the sentinels watch (e.g. `mymaster`)' },
  { name: 'REDIS_CLUSTER_NODES', default: 'unset', meaning: 'Redis Cluster seed nodes (`host:port,...`), instead of `REDIS_URL`' },
  { name: 'REDIS_PASSWORD', default: 'unset', meaning: 'password of the Redis servers, not the sentinels (a password in `REDIS_URL` wins)' },
  { name: 'REDIS_TLS', default: 'false', meaning: '`true`: TLS towards Sentinel and Cluster (with `REDIS_URL`, write `rediss://` instead)' },
  {
    name: 'GATEWAY_REPLICA_WAIT_MS',
    default: '500',
    meaning: 'how long a write waits for a Redis replica to confirm it (`WAIT`) before answering 503; `0`: do not wait',
  },
  { name: 'GATEWAY_REDIS_COMMAND_TIMEOUT_MS', default: '1000', meaning: 'how long one Redis command may take before it fails; `0`: no bound' },
  { name: 'GATEWAY_ROLE', default: 'all', meaning: '`all`, `api` (HTTP only) or `worker` (BullMQ workers only, no HTTP)' },
  {
    name: 'GATEWAY_ADMIN_TOKEN',
    default: 'unset',
    meaning: 'bearer token with every scope and team; generated and printed in sandbox mode when unset; required otherwise',
  },
  {
    name: 'GATEWAY_CLUSTERS_FILE',
    default: 'unset',
    meaning:
      'YAML or JSON list of clusters to register at start (`{clusters: [...]}`); secrets by environment variable: `auth.passwordFromEnv`, `auth.tokenFromEnv`',
  },
  { name: 'GATEWAY_SANDBOX', default: '`true` when no clusters file is given', meaning: '`true`: start the simulators and register them; `false`: never' },
  {
    name: 'GATEWAY_ENCRYPTION_KEY',
    default: 'generated under the data dir in the sandbox; required otherwise',
    meaning: '32 bytes, base64 (`openssl rand -base64 32`): seals every secret kept in Redis (see [access.md](access.md#secrets-at-rest))',
  },
  {
    name: 'GATEWAY_ENCRYPTION_KEY_PREVIOUS',
    default: 'unset',
    meaning: 'the key before a rotation: still opens what it sealed; nothing new is sealed with it',
  },
  { name: 'GATEWAY_DATA_DIR', default: '.data', meaning: 'where the sandbox keeps its private Redis data and encryption key' },
  {
    name: 'GATEWAY_REDIS_PREFIX',
    default: 'gw',
    meaning: 'prefix of every key; BullMQ queues use `{prefix}`, and so do all keys in a Redis Cluster (one slot, see [redis.md](redis.md))',
  },
  { name: 'GATEWAY_WORKER_CONCURRENCY', default: '64', meaning: 'operations one worker process runs at once' },
  { name: 'GATEWAY_CLUSTER_CONCURRENCY', default: '16', meaning: 'calls in flight towards one cluster, across every process (blocking queries excepted)' },
  { name: 'GATEWAY_BREAKER_THRESHOLD', default: '5', meaning: "consecutive transient failures that open a cluster's circuit" },
  { name: 'GATEWAY_BREAKER_HALF_OPEN_MS', default: '5000', meaning: 'how long an open circuit stays open before one probe call' },
  { name: 'GATEWAY_RETRY_BASE_MS', default: '500', meaning: 'base of the full-jitter exponential backoff between attempts (capped at 30 s, 120 attempts)' },
  {
    name: 'GATEWAY_ROUTE_RETRY',
    default: 'steady',
    meaning:
      'route-propagation retries (products whose creates fail while new routes propagate): `steady` (the same request every 200 ms for 6.5 s) or `exponential` (from 1 s; for comparison)',
  },
  {
    name: 'GATEWAY_ESTABLISH_TIMEOUT_MS',
    default: '60000',
    meaning: 'how long one attempt waits for both sides to be healthy before handing back to the queue',
  },
  { name: 'GATEWAY_REMOVAL_TIMEOUT_MS', default: '120000', meaning: 'how long one attempt follows an asynchronous delete' },
  { name: 'GATEWAY_TOMBSTONE_TTL_SECONDS', default: '3600', meaning: 'how long a deleted peering reads `DELETED` (at least 3600)' },
  {
    name: 'GATEWAY_OUTBOX_SWEEP_MS',
    default: '5000',
    meaning: 'interval of the sweep that enqueues operations (and webhook streams) whose job never reached the queue',
  },
  { name: 'GATEWAY_RECONCILE_INTERVAL_MS', default: '60000', meaning: 'interval of the drift sweep; `0` turns it off' },
  {
    name: 'GATEWAY_WEBHOOK_RETRY_SCHEDULE',
    default: '5s,5m,30m,2h,5h,10h,10h,14h,14h,16h',
    meaning: 'delays between webhook attempts (ms/s/m/h), about three days',
  },
  { name: 'GATEWAY_WEBHOOK_TIMEOUT_MS', default: '15000', meaning: 'how long a receiver has to answer' },
  { name: 'GATEWAY_WEBHOOK_ALLOW', default: 'empty', meaning: 'hosts, IPs and CIDRs allowed as webhook targets although link-local or metadata' },
  {
    name: 'GATEWAY_CLUSTER_ALLOW',
    default: 'empty',
    meaning: 'hosts, IPs and CIDRs allowed as cluster endpoints although link-local, metadata, unspecified or multicast',
  },
  { name: 'GATEWAY_WEBHOOK_ROTATION_GRACE_MS', default: '86400000', meaning: 'how long the old signing secret still signs after a rotation' },
  { name: 'GATEWAY_WEBHOOK_CONCURRENCY', default: '32', meaning: 'webhook deliveries one worker process sends at once' },
  { name: 'GATEWAY_BODY_LIMIT_BYTES', default: '1048576', meaning: 'largest request body; beyond it 413' },
  { name: 'GATEWAY_BODY_MAX_DEPTH', default: '32', meaning: 'deepest nesting of a JSON body; beyond it 400' },
  { name: 'GATEWAY_BODY_MAX_MEMBERS', default: '1000', meaning: 'most members (keys and items) of a JSON body; beyond it 400' },
  { name: 'GATEWAY_REQUEST_TIMEOUT_MS', default: '30000', meaning: 'how long a request may take to arrive in full' },
  { name: 'GATEWAY_CONNECTION_TIMEOUT_MS', default: '120000', meaning: 'how long an idle connection is kept' },
  { name: 'GATEWAY_METRICS_PUBLIC', default: 'false', meaning: '`true`: `GET /metrics` answers without a token' },
  {
    name: 'GATEWAY_OIDC_ISSUER',
    default: 'unset',
    meaning: 'accept OpenID Connect JWTs of this issuer (JWKS from its discovery document); needs `GATEWAY_OIDC_AUDIENCE`',
  },
  { name: 'GATEWAY_OIDC_AUDIENCE', default: 'unset', meaning: 'the audience those tokens must name (this gateway)' },
  { name: 'GATEWAY_OIDC_TEAM_CLAIM', default: 'team', meaning: "the JWT claim naming the caller's team" },
  { name: 'GATEWAY_OIDC_CLIENT_ID', default: 'unset', meaning: "the console's OIDC client (authorization code with PKCE); needs `GATEWAY_OIDC_ISSUER`" },
  { name: 'GATEWAY_RATE_LIMIT_WRITES', default: '120', meaning: 'writes per minute per API key or token subject, across replicas (not the admin token)' },
  { name: 'GATEWAY_AUDIT_RETENTION', default: 'P90D', meaning: 'how long audit entries are kept (ISO 8601 duration)' },
  { name: 'GATEWAY_APPROVAL_TTL', default: 'P7D', meaning: 'how long a peering may wait for its approval (ISO 8601 duration)' },
  { name: 'GATEWAY_WATCH_MAX_STREAMS', default: '1000', meaning: 'event streams (`.../watch`) one API process keeps open; beyond it 503' },
  { name: 'GATEWAY_WATCH_HEARTBEAT_MS', default: '15000', meaning: 'interval of the `: ping` comment on every event stream' },
  {
    name: 'GATEWAY_WATCH_MAX_BUFFERED_BYTES',
    default: '1048576',
    meaning: 'what a slow stream reader may leave unread before its stream is ended (it resumes with `Last-Event-ID`)',
  },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'pino level' },
];

export const SETTINGS_BEGIN = '<!-- settings:begin (generated by npm run docs:settings from src/config/settings.ts) -->';
export const SETTINGS_END = '<!-- settings:end -->';

/** The table as Markdown, one row a setting, its columns padded as prettier pads them. */
export function renderSettingsTable(settings: readonly Setting[]): string {
  const shown = (value: string) => (/^(unset|empty)$|`/.test(value) || value.includes(' ') ? value : `\`${value}\``);
  const rows = [['setting', 'meaning', 'default'], ...settings.map((s) => [`\`${s.name}\``, s.meaning.replaceAll('|', '\\|'), shown(s.default)])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((width) => '-'.repeat(width))), ...rows.slice(1).map(line)].join('\n');
}

/** The document with the table between its markers replaced. */
export function withSettingsTable(doc: string, table: string): string {
  const begin = doc.indexOf(SETTINGS_BEGIN);
  const end = doc.indexOf(SETTINGS_END);
  if (begin < 0 || end < begin) throw new Error(`the document has no ${SETTINGS_BEGIN} ... ${SETTINGS_END} markers`);
  return `${doc.slice(0, begin + SETTINGS_BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`;
}

/** A setting a product plugin declares (src/config/setting.ts), as a row of the table. */
export function pluginSettingRow(setting: { name: string; default: unknown; description: string }): Setting {
  return { name: setting.name, default: String(setting.default), meaning: setting.description };
}
