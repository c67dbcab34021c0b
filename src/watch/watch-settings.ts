import { ConfigError } from '../config/gateway-config.js';

/** The settings of the event streams (`GET /v1/peerings/{id}/watch`, `GET /v1/events/watch`). */
export interface WatchSettings {
  /** Streams open at once in one API process; beyond it a new one is answered 503. */
  maxStreams: number;
  /** Interval of the `: ping` comment on every stream. */
  heartbeatMs: number;
  /** Bytes a slow reader may leave unread before its stream is ended (it resumes with Last-Event-ID). */
  maxBufferedBytes: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got '${raw}'`);
  return value;
}

export function loadWatchSettings(env: NodeJS.ProcessEnv = process.env): WatchSettings {
  return {
    maxStreams: int(env, 'GATEWAY_WATCH_MAX_STREAMS', 1_000, 0),
    heartbeatMs: int(env, 'GATEWAY_WATCH_HEARTBEAT_MS', 15_000, 10),
    maxBufferedBytes: int(env, 'GATEWAY_WATCH_MAX_BUFFERED_BYTES', 1024 * 1024, 1024),
  };
}
