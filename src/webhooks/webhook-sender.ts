import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent, request } from 'undici';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { parseRetryAfter } from './retry-schedule.js';
import { RefusedUrlError, WebhookUrlPolicy } from './url-policy.js';
import { signedHeaders } from './webhook-signature.js';

export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  /** 410 Gone: the receiver wants no more; the subscription is disabled. */
  | { kind: 'gone'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string; retryAfterMs: number | null }
  /** The address is not allowed: final, retrying cannot help. */
  | { kind: 'refused'; error: string }
  /** The gateway is shutting down: the attempt does not count. */
  | { kind: 'aborted' };

export interface Message {
  url: string;
  webhookId: string;
  body: string;
  secrets: string[];
  /** Sent as `webhook-request-id` when known: the request whose change the message announces. */
  requestId?: string;
}

/** Bytes of a receiver's answer that are read (and discarded) before the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

function refusal(err: unknown): RefusedUrlError | null {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof RefusedUrlError) return e;
  return null;
}

/**
 * One signed POST per attempt. Redirects are not followed (a 3xx is a failed attempt): following
 * one would let a receiver point the gateway at an address the policy refuses.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly agent: Agent;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly policy: WebhookUrlPolicy,
  ) {
    const timeout = config.webhookTimeoutMs;
    this.agent = new Agent({ connect: { lookup: policy.lookup, timeout }, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 4_000 });
  }

  async send(message: Message, stop: AbortSignal): Promise<AttemptOutcome> {
    try {
      this.policy.parse(message.url);
    } catch (err) {
      return { kind: 'refused', error: (err as Error).message };
    }
    const timeout = AbortSignal.timeout(this.config.webhookTimeoutMs);
    try {
      const response = await request(message.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.any([stop, timeout]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'peering-gateway-webhooks/1',
          ...signedHeaders(message.secrets, message.webhookId, message.body),
          // For correlation only: outside the signature, which covers the id, timestamp and body.
          ...(message.requestId !== undefined && { 'webhook-request-id': message.requestId }),
        },
        body: message.body,
      });
      await response.body.dump({ limit: MAX_ANSWER_BYTES }).catch(() => undefined);
      const statusCode = response.statusCode;
      if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode };
      if (statusCode === 410) return { kind: 'gone', statusCode };
      return { kind: 'retry', statusCode, error: `receiver answered ${statusCode}`, retryAfterMs: parseRetryAfter(response.headers['retry-after']) };
    } catch (err) {
      if (stop.aborted) return { kind: 'aborted' };
      if (timeout.aborted) return { kind: 'retry', statusCode: null, error: `no answer within ${this.config.webhookTimeoutMs} ms`, retryAfterMs: null };
      const refused = refusal(err);
      if (refused) return { kind: 'refused', error: refused.message };
      const e = err as Error & { code?: string };
      return { kind: 'retry', statusCode: null, error: `request failed: ${e.code ?? e.name}: ${e.message}`, retryAfterMs: null };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }
}
