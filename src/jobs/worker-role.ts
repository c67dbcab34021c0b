import { type GatewayRole } from '../config/gateway-config.js';

/**
 * Whether this process runs the queues' workers: the `worker` and `all` roles do; the `api` role
 * only serves HTTP and enqueues. The one place the role decides it (see JobsModule).
 */
export function runsWorkers(role: GatewayRole): boolean {
  return role === 'worker' || role === 'all';
}
