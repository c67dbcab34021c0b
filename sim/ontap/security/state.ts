import { randomBytes, randomUUID } from 'node:crypto';
import type { OntapCluster } from '../cluster.js';

/**
 * The security configuration of one simulated cluster: its SVMs, installed certificates, key
 * managers (NetApp's key-managers reference) and IPsec policies (NetApp's IPsec-policies reference). The peer records stay in OntapCluster; this
 * holds what /api/security and /api/svm read and change.
 */

/** `admin`: the cluster's own SVM (cluster scope); `data`: serves data; `system`: the Cluster IPspace's SVM. */
export type SvmKind = 'admin' | 'data' | 'system';

export interface Svm {
  uuid: string;
  name: string;
  kind: SvmKind;
  ipspace: { name: string; uuid: string };
  /** Volumes encrypted with keys of this SVM's key manager (or the cluster's): they block disabling it. */
  encryptedVolumes: number;
  /** An SVM migration is running: IPsec policies cannot be created on it (66257142). */
  migrating: boolean;
}

export type CertificateType = 'client' | 'server' | 'server_ca' | 'client_ca' | 'root_ca';

export interface Certificate {
  uuid: string;
  name: string;
  type: CertificateType;
  svmUuid: string;
  /** Certificates with the same key pair can replace each other as a key manager's client certificate. */
  publicKey: string;
}

export interface KeyServer {
  /** "host:port", the port 5696 when none was given. */
  server: string;
  timeout: number;
  username: string;
  /** Write-only: never shown. */
  password?: string;
}

export interface KeyManager {
  uuid: string;
  svmUuid: string;
  kind: 'onboard' | 'external';
  /** Onboard: the cluster-wide passphrase (write-only). */
  passphrase?: string;
  keyBackup?: string;
  clientCertificate?: string;
  serverCaCertificates: string[];
  servers: KeyServer[];
  /** Set through the control surface to make the manager read another status. */
  statusOverride?: { code: number; message: string };
}

export interface Endpoint {
  address: string;
  /** Prefix length. */
  netmask: number;
  family: 'ipv4' | 'ipv6';
  port?: string;
}

export type IpsecAction = 'esp_transport' | 'esp_udp' | 'bypass' | 'discard';
export type IpsecAuthentication = 'psk' | 'pki';

export interface IpsecPolicy {
  uuid: string;
  name: string;
  svmUuid: string;
  enabled: boolean;
  action: IpsecAction;
  authenticationMethod: IpsecAuthentication;
  /** Write-only: never in an API answer nor on the control surface; tests in the same process read it. */
  secretKey?: string;
  certificateUuid?: string;
  local: Endpoint;
  remote: Endpoint;
  /** "any", or an IP protocol number ("6" for tcp, "17" for udp). */
  protocol: string;
  localIdentity?: string;
  remoteIdentity?: string;
}

export type PartnerKeyManager = 'none' | 'onboard' | 'external';

/** Run-time behaviour of the security API, changeable through `PUT /_sim/security`. */
export interface SecuritySettings {
  /** null: not in a MetroCluster; otherwise what the partner site has configured. */
  metroCluster: { partnerKeyManager: PartnerKeyManager } | null;
  /** The nodes support data-at-rest encryption (65536508 when false). */
  platformEncryption: boolean;
  /** 'nodes-mixed': 66257199; 'ecv-too-old': 66257201. */
  ipsecSupport: 'supported' | 'nodes-mixed' | 'ecv-too-old';
  maxPoliciesPerSvm: number;
  maxPoliciesPerCluster: number;
  /** Key servers ("host:port") the nodes cannot reach. */
  unreachableKeyServers: string[];
}

export interface SvmSpec {
  name: string;
  ipspace?: string;
  encryptedVolumes?: number;
}

/** The security part of a cluster's spec; by default two data SVMs, `svm1` and `svm-data`. */
export interface SecuritySpec {
  dataSvms?: (string | SvmSpec)[];
  settings?: Partial<SecuritySettings>;
}

export const DEFAULT_DATA_SVMS = ['svm1', 'svm-data'];
const SYSTEM_SVM = 'Cluster';
const CERTIFICATE_TYPES: CertificateType[] = ['client', 'server', 'server_ca', 'root_ca'];

export function defaultSecuritySettings(): SecuritySettings {
  return {
    metroCluster: null,
    platformEncryption: true,
    ipsecSupport: 'supported',
    maxPoliciesPerSvm: 128,
    maxPoliciesPerCluster: 1024,
    unreachableKeyServers: [],
  };
}

export class SecurityState {
  readonly svms: Svm[] = [];
  readonly certificates: Certificate[] = [];
  readonly keyManagers = new Map<string, KeyManager>();
  readonly ipsecPolicies = new Map<string, IpsecPolicy>();
  readonly settings: SecuritySettings = defaultSecuritySettings();
  readonly nodes: { name: string; uuid: string }[];

  constructor(readonly cluster: OntapCluster) {
    this.nodes = Array.from({ length: cluster.nodes }, (_, i) => ({ name: `${cluster.name}-${String(i + 1).padStart(2, '0')}`, uuid: randomUUID() }));
    this.addSvm({ name: cluster.name }, 'admin');
    this.addSvm({ name: SYSTEM_SVM, ipspace: 'Cluster' }, 'system');
    for (const name of DEFAULT_DATA_SVMS) this.addSvm({ name }, 'data');
  }

  /** Applies a cluster spec's security part: its data SVMs replace the default ones. */
  configure(spec: SecuritySpec): void {
    if (spec.dataSvms) {
      for (const svm of this.svms.filter((s) => s.kind === 'data')) this.removeSvm(svm);
      for (const entry of spec.dataSvms) this.addSvm(typeof entry === 'string' ? { name: entry } : entry, 'data');
    }
    Object.assign(this.settings, spec.settings ?? {});
  }

  /** Creates (or, for an existing name, updates) an SVM with a client, server, server CA and root CA certificate. */
  addSvm(spec: SvmSpec, kind: SvmKind = 'data'): Svm {
    const ipspace = this.cluster.ipspaceByName(spec.ipspace ?? 'Default');
    if (!ipspace) throw new Error(`IPspace "${spec.ipspace}" does not exist on ${this.cluster.name}`);
    const existing = this.svmByName(spec.name);
    if (existing) {
      existing.ipspace = { name: ipspace.name, uuid: ipspace.uuid };
      if (spec.encryptedVolumes !== undefined) existing.encryptedVolumes = spec.encryptedVolumes;
      return existing;
    }
    const svm: Svm = {
      uuid: randomUUID(),
      name: spec.name,
      kind,
      ipspace: { name: ipspace.name, uuid: ipspace.uuid },
      encryptedVolumes: spec.encryptedVolumes ?? 0,
      migrating: false,
    };
    this.svms.push(svm);
    if (kind !== 'system') for (const type of CERTIFICATE_TYPES) this.installCertificate(svm, type);
    return svm;
  }

  installCertificate(
    svm: Svm,
    type: CertificateType,
    name = `${svm.name}-${type.replace('_', '-')}`,
    publicKey = randomBytes(16).toString('hex'),
  ): Certificate {
    const certificate = { uuid: randomUUID(), name, type, svmUuid: svm.uuid, publicKey };
    this.certificates.push(certificate);
    return certificate;
  }

  private removeSvm(svm: Svm): void {
    this.svms.splice(this.svms.indexOf(svm), 1);
    for (let i = this.certificates.length - 1; i >= 0; i--) if (this.certificates[i].svmUuid === svm.uuid) this.certificates.splice(i, 1);
    for (const [uuid, km] of this.keyManagers) if (km.svmUuid === svm.uuid) this.keyManagers.delete(uuid);
    for (const [uuid, policy] of this.ipsecPolicies) if (policy.svmUuid === svm.uuid) this.ipsecPolicies.delete(uuid);
  }

  get adminSvm(): Svm {
    return this.svms.find((svm) => svm.kind === 'admin') as Svm;
  }

  svmByName(name: string): Svm | undefined {
    return this.svms.find((svm) => svm.name === name);
  }

  svmByUuid(uuid: string): Svm | undefined {
    return this.svms.find((svm) => svm.uuid === uuid);
  }

  requireSvm(uuid: string): Svm {
    const svm = this.svmByUuid(uuid);
    if (!svm) throw new Error(`SVM ${uuid} is gone`);
    return svm;
  }

  certificate(uuid: string): Certificate | undefined {
    return this.certificates.find((certificate) => certificate.uuid === uuid);
  }

  keyManagerOf(svm: Svm): KeyManager | undefined {
    return [...this.keyManagers.values()].find((km) => km.svmUuid === svm.uuid);
  }

  keyServerReachable(server: string): boolean {
    return !this.settings.unreachableKeyServers.includes(server);
  }
}
