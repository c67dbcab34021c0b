import type { OntapClusterFacts, OntapPeeringOptions } from './ontap-model.js';
import { parseIsoDuration, SEVEN_DAYS_MS } from '../../common/iso-duration.js';
import type { FieldError } from '../../common/problem.js';
import type { Peering } from '../../domain/peering.js';
import type { ClusterRegistration, CreateRequest, UpdatePlan, UpdateRequest } from '../product-plugin.js';
import { ipsecOptionRules } from './security/ipsec-plan.js';
import { type SvmPeerOption, svmPairKey } from './svm-peers/svm-peer-model.js';

/** ONTAP peer names follow cluster-name rules: they also start with a letter, and are shorter. */
const ONTAP_NAME = /^[a-z][a-z0-9-]{0,43}$/;

/** An SVM pair as sent (validated for shape by the DTOs): applications may be left out. */
type SvmPeerInput = Omit<SvmPeerOption, 'applications'> & { applications?: SvmPeerOption['applications'] };

/** What a caller may send under `ontap` on a create (validated for shape by the DTOs). */
type OntapCreateOptions = Omit<Partial<OntapPeeringOptions>, 'svmPeers'> & { encryption?: string; svmPeers?: SvmPeerInput[] };

/** A pair named twice, or a local (or remote) SVM peered twice with the same SVM, is a mistake worth naming. */
function svmPeerRules(pairs: SvmPeerInput[]): FieldError[] {
  const seen = new Set<string>();
  return pairs.flatMap((pair, i) => {
    const key = svmPairKey(pair);
    if (seen.has(key)) return [{ field: `ontap.svmPeers[${i}]`, message: `names the pair ${key} twice` }];
    seen.add(key);
    return [];
  });
}

/** Applications default to snapmirror, what a cluster peer is most often for. */
export function withDefaultApplications(pairs: SvmPeerInput[] | undefined): SvmPeerOption[] | undefined {
  return pairs?.map((pair) => ({ local: pair.local, remote: pair.remote, applications: pair.applications ?? ['snapmirror'] }));
}

/** What a caller may send under `ontap` on an update. */
interface OntapUpdateOptions {
  svmPeers?: SvmPeerInput[];
  rotatePassphrase?: boolean;
  encryption?: 'none' | 'tls_psk';
  passphraseExpiry?: string;
  remoteAddresses?: string[];
}

function expiryRules(expiry: string, field: string): FieldError[] {
  const ms = parseIsoDuration(expiry);
  if (ms === null) return [{ field, message: 'must be an ISO 8601 duration such as P1D, PT12H or P1W' }];
  if (ms > SEVEN_DAYS_MS) return [{ field, message: 'must be at most 7 days (ONTAP 4655058)' }];
  if (ms <= 0) return [{ field, message: 'must be longer than zero' }];
  return [];
}

/** ONTAP is called with HTTP basic auth; its facts are the intercluster addresses and the IPspace (default `Default`). */
export function registerOntapCluster({ auth, options }: ClusterRegistration): { errors: FieldError[]; facts?: OntapClusterFacts } {
  const errors: FieldError[] = [];
  if (!auth.username) errors.push({ field: 'auth.username', message: 'is required for ONTAP (HTTP basic auth)' });
  if (!auth.password) errors.push({ field: 'auth.password', message: 'is required for ONTAP (HTTP basic auth)' });
  const input = options.ontap as { interclusterAddresses: string[]; ipspace?: string } | undefined;
  if (!input) errors.push({ field: 'ontap', message: 'is required for ONTAP: interclusterAddresses' });
  if (errors.length || !input) return { errors };
  return { errors, facts: { interclusterAddresses: input.interclusterAddresses, ipspace: input.ipspace ?? 'Default' } };
}

/** Everything ONTAP refuses that can be told before a call (the create rules of ONTAP's cluster-peer API). */
export function ontapCreateRules({ name, local, remote, external, options }: CreateRequest): FieldError[] {
  const errors: FieldError[] = [];
  const ontap = options.ontap as OntapCreateOptions | undefined;
  if (!ONTAP_NAME.test(name)) errors.push({ field: 'name', message: 'must follow ONTAP cluster-name rules: start with a letter, at most 44 characters' });
  if (name === local.id || name === remote?.id) errors.push({ field: 'name', message: 'must differ from the cluster names (ONTAP 4656071)' });
  if (ontap?.passphraseExpiry !== undefined) errors.push(...expiryRules(ontap.passphraseExpiry, 'ontap.passphraseExpiry'));
  if (external?.secret && !external.addresses) {
    errors.push({ field: 'remote.external.addresses', message: 'is required with a passphrase: ONTAP needs the remote addresses to accept (4656069)' });
  }
  const lifs = ontap?.localNetwork;
  if (lifs) {
    if (lifs.interfaces.length === 0)
      errors.push({ field: 'ontap.localNetwork.interfaces', message: 'must list at least one local IP address (ONTAP 4656085)' });
    if (!lifs.netmask) errors.push({ field: 'ontap.localNetwork.netmask', message: 'is required to create intercluster LIFs (ONTAP 4656091)' });
    if (!lifs.broadcastDomain) errors.push({ field: 'ontap.localNetwork.broadcastDomain', message: 'is required to create intercluster LIFs (ONTAP 4656086)' });
    if (!lifs.gateway) errors.push({ field: 'ontap.localNetwork.gateway', message: 'is required to create intercluster LIFs (ONTAP 4656096)' });
  }
  if (ontap?.ipsec) errors.push(...ipsecOptionRules(ontap.ipsec, remote !== null));
  if (ontap?.svmPeers) errors.push(...svmPeerRules(ontap.svmPeers));
  return errors;
}

/** The stored options: encryption defaults to tls_psk (ONTAP 9.6+ proposes it). */
export function ontapPeeringOptions({ options }: CreateRequest): OntapPeeringOptions {
  const ontap = options.ontap as OntapCreateOptions | undefined;
  const svmPeers = withDefaultApplications(ontap?.svmPeers);
  return {
    ...ontap,
    encryption: (ontap?.encryption as OntapPeeringOptions['encryption'] | undefined) ?? 'tls_psk',
    ...(svmPeers?.length ? { svmPeers } : { svmPeers: undefined }),
  };
}

/** Rotation, encryption (which needs a passphrase refresh: ONTAP 4656073) and external peers' addresses. */
export function planOntapUpdate({ peering, options }: UpdateRequest): UpdatePlan {
  const input = options.ontap as OntapUpdateOptions | undefined;
  if (!input) return { errors: [] };
  const current = peering.ontap as OntapPeeringOptions;
  const errors: FieldError[] = [];
  const { rotatePassphrase, encryption, passphraseExpiry, remoteAddresses, svmPeers } = input;
  if (svmPeers) errors.push(...svmPeerRules(svmPeers));
  if (passphraseExpiry !== undefined) errors.push(...expiryRules(passphraseExpiry, 'ontap.passphraseExpiry'));
  if (remoteAddresses && peering.remote.cluster) {
    errors.push({ field: 'ontap.remoteAddresses', message: "is only for external peers: a managed cluster's addresses come from its registration" });
  }
  return {
    errors,
    rotateSecret: Boolean(rotatePassphrase || (encryption && encryption !== current.encryption)),
    remoteAddresses,
    reconcileParts: svmPeers !== undefined,
    options: {
      ...current,
      encryption: encryption ?? current.encryption,
      passphraseExpiry: passphraseExpiry ?? current.passphraseExpiry,
      ...(svmPeers ? { svmPeers: withDefaultApplications(svmPeers) } : {}),
    },
  };
}

/** ONTAP peers two clusters once: the pair is locked as long as the peering lives. */
export function ontapExtraLocks(peering: Peering): { name: string; conflict: (holder: string) => string }[] {
  if (!peering.remote.cluster) return [];
  const pair = [peering.local.cluster, peering.remote.cluster].sort();
  return [
    {
      name: `pair:${pair.join('|')}`,
      conflict: (holder) => `clusters ${pair.join(' and ')} are already peered by peering '${holder}' (ONTAP peers two clusters once)`,
    },
  ];
}
