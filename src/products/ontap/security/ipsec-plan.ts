import { isIP } from 'node:net';
import type { Cluster } from '../../../domain/cluster.js';
import type { FieldError } from '../../../common/problem.js';
import type { Peering } from '../../../domain/peering.js';
import type { IpsecOptions } from './peering-security.js';

/**
 * The IPsec policies a peering asks for, one per cluster, each seen from its own cluster: its
 * own subnet (and port) is the local endpoint, the other site's is the remote one. Pure: no calls.
 */

export interface Subnet {
  address: string;
  /** Prefix length. */
  netmask: number;
  family: 'ipv4' | 'ipv6';
}

export interface PolicyEndpoint extends Subnet {
  port?: string;
}

export interface PlannedPolicy {
  cluster: Cluster;
  svm: string;
  name: string;
  local: PolicyEndpoint;
  remote: PolicyEndpoint;
  /** "any" or an IP protocol number, as ONTAP shows it. */
  protocol: string;
}

/** An IPsec policy as the gateway reads it from ONTAP (secret_key is never returned). */
export interface IpsecPolicyRecord {
  uuid: string;
  name: string;
  svm?: { name?: string; uuid?: string };
  enabled?: boolean;
  scope?: string;
  action?: string;
  authentication_method?: string;
  local_endpoint?: { address?: string; netmask?: string; port?: string; family?: string };
  remote_endpoint?: { address?: string; netmask?: string; port?: string; family?: string };
  protocol?: string;
}

export const IPSEC_RECORD_FIELDS = 'name,svm,scope,enabled,action,authentication_method,local_endpoint,remote_endpoint,protocol';

const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17' };

/** Named after the peering, within ONTAP's 1-64 ASCII characters (66257148): peering names have 44 at most. */
export function policyName(peering: Pick<Peering, 'name'>): string {
  return `gw-${peering.name}`;
}

/** Both policies: the local cluster's first (it is created first and removed on a failure of the second). */
export function planPolicies(peering: Peering, local: Cluster, remote: Cluster): [PlannedPolicy, PlannedPolicy] {
  const options = peering.ontap?.ipsec as IpsecOptions;
  const localSubnet = parseSubnet(options.localSubnet) as Subnet;
  const remoteSubnet = parseSubnet(options.remoteSubnet) as Subnet;
  const localPort = portText(options.localPort);
  const remotePort = portText(options.remotePort);
  const protocol = normaliseProtocol(options.protocol);
  const name = policyName(peering);
  return [
    { cluster: local, svm: options.svm, name, local: { ...localSubnet, port: localPort }, remote: { ...remoteSubnet, port: remotePort }, protocol },
    {
      cluster: remote,
      svm: options.remoteSvm ?? options.svm,
      name,
      local: { ...remoteSubnet, port: remotePort },
      remote: { ...localSubnet, port: localPort },
      protocol,
    },
  ];
}

/** The POST body: ESP in transport mode, authenticated by the pre-shared key both sides get. */
export function policyBody(plan: PlannedPolicy, secretKey: string): Record<string, unknown> {
  const endpoint = (e: PolicyEndpoint) => ({ address: e.address, netmask: String(e.netmask), ...(e.port ? { port: e.port } : {}) });
  return {
    name: plan.name,
    svm: { name: plan.svm },
    local_endpoint: endpoint(plan.local),
    remote_endpoint: endpoint(plan.remote),
    protocol: plan.protocol,
    action: 'esp_transport',
    authentication_method: 'psk',
    secret_key: secretKey,
    enabled: true,
  };
}

/** Identical to the plan: same name, SVM, endpoints, ports and protocol, ESP with a pre-shared key. */
export function matchesPlan(record: IpsecPolicyRecord, plan: PlannedPolicy): boolean {
  return (
    record.name === plan.name &&
    record.svm?.name === plan.svm &&
    (record.action ?? 'esp_transport') === 'esp_transport' &&
    (record.authentication_method ?? 'psk') === 'psk' &&
    record.enabled !== false &&
    normaliseProtocol(record.protocol) === plan.protocol &&
    sameEndpoint(record.local_endpoint, plan.local) &&
    sameEndpoint(record.remote_endpoint, plan.remote)
  );
}

function sameEndpoint(read: IpsecPolicyRecord['local_endpoint'], planned: PolicyEndpoint): boolean {
  if (!read?.address || isIP(read.address) === 0) return false;
  const samePort = normalisePort(read.port) === planned.port;
  return samePort && Number(read.netmask) === planned.netmask && canonical(read.address) === canonical(planned.address);
}

/** "10.1.0.0/24" -> address and prefix length; a text saying what is wrong otherwise. */
export function parseSubnet(text: string): Subnet | string {
  const [address, prefix, extra] = text.trim().split('/');
  if (/[,;\s]/.test(text.trim()) || extra !== undefined) return 'must be one subnet (ONTAP 66257113/66257114)';
  const version = isIP(address);
  if (version === 0) return `must be an IPv4 or IPv6 subnet in CIDR notation, e.g. 10.1.10.0/24; "${address}" is not an address`;
  if (prefix === undefined) return 'needs its prefix length, e.g. /24 (ONTAP 66257125/66257126: an address needs its netmask)';
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `has an invalid prefix length: 0 to ${max}`;
  return { address, netmask: Number(prefix), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The checks ONTAP would make on the subnets and ports, made before anything is written. */
export function ipsecOptionRules(options: IpsecOptions, twoSided: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const field = (name: string) => `ontap.ipsec.${name}`;
  if (!twoSided)
    errors.push({
      field: 'ontap.ipsec',
      message: 'needs remote.cluster: the gateway creates the policy on both clusters, with a pre-shared key only they share',
    });
  const local = parseSubnet(options.localSubnet);
  const remote = parseSubnet(options.remoteSubnet);
  if (typeof local === 'string') errors.push({ field: field('localSubnet'), message: local });
  if (typeof remote === 'string') errors.push({ field: field('remoteSubnet'), message: remote });
  if (typeof local === 'string' || typeof remote === 'string') return errors;
  const any = (s: Subnet) => isZero(s.address) && s.netmask === 0;
  if (any(local)) errors.push({ field: field('localSubnet'), message: 'must not be the ANY wildcard: the local subnet must be non-zero (ONTAP 66257127)' });
  for (const [subnet, name] of [
    [local, 'localSubnet'],
    [remote, 'remoteSubnet'],
  ] as const) {
    if (!any(subnet) && isZero(subnet.address) !== (subnet.netmask === 0))
      errors.push({ field: field(name), message: 'is an invalid ANY wildcard subnet: use 0.0.0.0/0 or ::/0 exactly (ONTAP 66257128)' });
  }
  if (local.family !== remote.family) errors.push({ field: field('remoteSubnet'), message: 'must be of the same address family as localSubnet' });
  if (any(remote) && options.localPort === undefined && options.remotePort === undefined) {
    errors.push({ field: field('remotePort'), message: 'or localPort is required when remoteSubnet is the ANY wildcard (ONTAP 66257129)' });
  }
  if (options.protocol !== undefined && /^\d+$/.test(options.protocol) && Number(options.protocol) > 255) {
    errors.push({ field: field('protocol'), message: 'must be an IP protocol number from 0 to 255' });
  }
  return errors;
}

export function normaliseProtocol(protocol: string | undefined): string {
  const value = (protocol ?? 'any').trim().toLowerCase();
  if (value === '' || value === 'any') return 'any';
  return PROTOCOL_NUMBERS[value] ?? (/^\d+$/.test(value) ? String(Number(value)) : value);
}

function portText(port: number | undefined): string | undefined {
  return port === undefined || port === 0 ? undefined : String(port);
}

function normalisePort(port: string | undefined): string | undefined {
  if (port === undefined || port === '' || port === 'any' || Number(port) === 0) return undefined;
  return String(Number(port));
}

function isZero(address: string): boolean {
  return isIP(address) === 4 ? address === '0.0.0.0' : /^[0:]+$/.test(address);
}

/** IPv6 addresses have many spellings; comparing them needs one. */
function canonical(address: string): string {
  if (isIP(address) !== 6) return address;
  const url = new URL(`http://[${address}]/`);
  return url.hostname;
}
