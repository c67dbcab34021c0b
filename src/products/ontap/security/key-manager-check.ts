import type { KeyManagerRecord } from './ontap-security.client.js';
import type { KeyManagerFinding } from './peering-security.js';
import { KEY_MANAGER_ERROR_CODES, KEY_MANAGER_STATUS_OK } from './security-error-codes.js';

/**
 * Whether a cluster has a working key manager for data at rest: one at cluster scope whose
 * `status.code` says nothing needs doing (NetApp's key-managers reference: 0 when the setup is complete, 65537200 in its
 * example) and, when external, with at least one key server every node can reach. Without
 * `status` (ONTAP before 9.7), an enabled onboard manager or an external one with servers counts.
 */
export function assessKeyManagers(cluster: string, records: KeyManagerRecord[]): KeyManagerFinding {
  const manager = records.find((km) => (km.scope ?? (km.svm ? 'svm' : 'cluster')) === 'cluster');
  if (!manager) {
    const svmScoped = records.filter((km) => km.svm?.name).map((km) => km.svm!.name);
    const also = svmScoped.length ? ` (only SVM-scoped ones: ${svmScoped.join(', ')})` : '';
    return { cluster, working: false, type: null, status: null, reason: `no key manager is configured at cluster scope${also}` };
  }
  const type = manager.onboard ? 'onboard' : 'external';
  const status = manager.status?.code !== undefined ? { code: manager.status.code, message: manager.status.message ?? '' } : null;
  const finding = { cluster, type, status } as const;
  if (status && !KEY_MANAGER_STATUS_OK.has(status.code)) {
    const known = KEY_MANAGER_ERROR_CODES[String(status.code)];
    const advice = known && known.summary !== status.message ? ` ${known.summary}` : '';
    return {
      ...finding,
      working: false,
      reason: `the ${type} key manager is not working: ${status.message || 'no message'} (ONTAP status ${status.code}).${advice}`,
    };
  }
  if (type === 'onboard' && manager.onboard?.enabled === false) return { ...finding, working: false, reason: 'the onboard key manager is not enabled' };
  if (type === 'external') {
    const servers = manager.external?.servers ?? [];
    if (servers.length === 0) return { ...finding, working: false, reason: 'the external key manager has no key server' };
    const reachable = servers.filter((s) => s.connectivity?.cluster_availability !== false);
    if (reachable.length === 0)
      return { ...finding, working: false, reason: `none of its key servers (${servers.map((s) => s.server).join(', ')}) is reachable from every node` };
  }
  return { ...finding, working: true, reason: null };
}
