import { isIP } from 'node:net';
import { CLUSTER_IPSPACE, DEFAULT_IPSPACE, type Ipspace, type OntapCluster } from './cluster.js';
import { ERRORS, type OntapErrorDef, ontapError } from './errors.js';
import { MIN_PASSPHRASE_LENGTH, expiryFrom, generatePassphrase } from './passphrase.js';
import type { AuthInUse, EncryptionProtocol, OntapPeerRecord, SvmRef } from './peer-record.js';

/**
 * The checks ONTAP makes on a cluster-peer POST or PATCH body before doing anything. They read
 * the cluster's configuration but change nothing; what needs the network (reaching the remote,
 * matching its offer) happens when the request is carried out (handshake.ts).
 */

type Json = Record<string, unknown>;

export interface CreateRequest {
  name?: string;
  /** Absent for an anonymous offer ("do not provide remote IP"). */
  remoteAddresses?: string[];
  passphrase: string;
  /** ONTAP generated the passphrase, so the answer shows it. */
  generated: boolean;
  expiresAt: number;
  encryption: EncryptionProtocol;
  ipspace: Ipspace;
  initialAllowedSvms: SvmRef[];
  peerApplications: string[];
  /** `local_network`: intercluster LIFs to create first. */
  localAddresses?: string[];
}

export interface Rotation {
  passphrase: string;
  generated: boolean;
  expiresAt: number;
}

export interface PatchRequest {
  name?: string;
  remoteAddresses?: string[];
  ipspace?: Ipspace;
  inUse?: AuthInUse;
  rotation?: Rotation;
  encryption?: EncryptionProtocol;
  initialAllowedSvms?: SvmRef[];
  peerApplications?: string[];
}

/** ONTAP's cluster-name rule, which peer names follow: a letter, then letters, digits, - or _, 44 at most. */
const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,43}$/;
const PEER_APPLICATIONS = ['snapmirror', 'flexcache'];

/** Parses a request body: a JSON object, with ONTAP's dotted keys ("remote.ip_addresses") expanded. */
export function parseBody(text: string): Json {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw ontapError(ERRORS.invalidValue, { detail: 'The request body is not valid JSON.' });
  }
  return expandDottedKeys(object(value, 'body'));
}

export function parseCreate(cluster: OntapCluster, body: Json, now: number): CreateRequest {
  allowOnly(body, ['name', 'remote', 'authentication', 'encryption', 'ipspace', 'initial_allowed_svms', 'local_network', 'peer_applications'], '');
  const remote = optionalObject(body, 'remote', ['ip_addresses']);
  const auth = optionalObject(body, 'authentication', ['passphrase', 'generate_passphrase', 'expiry_time']);
  const encryption = optionalObject(body, 'encryption', ['proposed']);
  const addresses = optionalStrings(remote, 'ip_addresses', 'remote.ip_addresses');
  const remoteAddresses = addresses?.length ? addresses : undefined;
  const passphrase = optionalString(auth, 'passphrase', 'authentication.passphrase');
  const generate = optionalBoolean(auth, 'generate_passphrase', 'authentication.generate_passphrase');

  // The valid and invalid combinations of NetApp's cluster-peers reference, "Additional information".
  if (passphrase !== undefined && generate) throw ontapError(ERRORS.passphraseOrGenerate, { target: 'authentication' });
  if (passphrase !== undefined && !remoteAddresses) throw ontapError(ERRORS.passphraseWithoutRemote, { target: 'remote.ip_addresses' });
  if (passphrase === undefined && !generate) {
    throw encryption ? ontapError(ERRORS.encryptionWithoutAuth, { target: 'encryption.proposed' }) : ontapError(ERRORS.remoteOrGenerate);
  }
  if (passphrase !== undefined) checkPassphrase(passphrase);

  const name = optionalString(body, 'name', 'name');
  if (name !== undefined) checkName(cluster, name);
  const localNetwork = optionalObject(body, 'local_network', ['interfaces', 'netmask', 'broadcast_domain', 'gateway']);
  const ipspace = requireIpspace(cluster, body, localNetwork !== undefined, CREATE_IPSPACE_ERRORS);
  return {
    name,
    remoteAddresses,
    passphrase: passphrase ?? generatePassphrase(),
    generated: passphrase === undefined,
    expiresAt: expiryFrom(optionalString(auth, 'expiry_time', 'authentication.expiry_time'), now),
    encryption: createEncryption(cluster, encryption),
    ipspace,
    initialAllowedSvms: svms(body) ?? [],
    peerApplications: peerApplications(body) ?? [],
    localAddresses: localNetwork && localLifAddresses(cluster, localNetwork, ipspace),
  };
}

export function parsePatch(cluster: OntapCluster, record: OntapPeerRecord, body: Json, now: number): PatchRequest {
  allowOnly(body, ['name', 'remote', 'authentication', 'encryption', 'ipspace', 'initial_allowed_svms', 'peer_applications'], '');
  const remote = optionalObject(body, 'remote', ['ip_addresses']);
  const auth = optionalObject(body, 'authentication', ['passphrase', 'generate_passphrase', 'expiry_time', 'in_use']);
  const encryption = optionalObject(body, 'encryption', ['proposed']);

  const name = optionalString(body, 'name', 'name');
  if (name !== undefined) checkName(cluster, name);
  const ipspace = body.ipspace === undefined ? undefined : requireIpspace(cluster, body, false, PATCH_IPSPACE_ERRORS);
  const addresses = optionalStrings(remote, 'ip_addresses', 'remote.ip_addresses');
  if (addresses) checkRemoteAddresses(cluster, addresses, (ipspace ?? record.ipspace).name);

  const inUse = optionalEnum(auth, 'in_use', ['ok', 'absent', 'revoked'] as const, 'authentication.in_use');
  const effectiveInUse = inUse ?? record.authentication.inUse;
  const rotation = parseRotation(auth, effectiveInUse, now);

  const proposed = encryption && protocol(encryption.proposed);
  if (proposed) {
    if (effectiveInUse !== 'ok') throw ontapError(ERRORS.encryptionWithoutAuth, { target: 'encryption.proposed' });
    if (!cluster.supportsEncryption) throw ontapError(ERRORS.encryptionNeedsEcv96, { target: 'encryption.proposed' });
    if (proposed !== record.encryption.proposed && !rotation) throw ontapError(ERRORS.encryptionNeedsNewPassphrase, { target: 'encryption.proposed' });
  }
  return {
    name,
    remoteAddresses: addresses,
    ipspace,
    inUse,
    rotation,
    encryption: proposed,
    initialAllowedSvms: svms(body),
    peerApplications: peerApplications(body),
  };
}

/** A new passphrase asked for by PATCH (`passphrase` or `generate_passphrase`), checked as ONTAP does. */
function parseRotation(auth: Json | undefined, inUse: AuthInUse, now: number): Rotation | undefined {
  const passphrase = optionalString(auth, 'passphrase', 'authentication.passphrase');
  const generate = optionalBoolean(auth, 'generate_passphrase', 'authentication.generate_passphrase');
  const expiryTime = optionalString(auth, 'expiry_time', 'authentication.expiry_time');
  if (passphrase !== undefined && generate === true) throw ontapError(ERRORS.passphraseOrGenerate, { target: 'authentication' });
  if (passphrase === undefined && generate === false) throw ontapError(ERRORS.generateIsFalse, { target: 'authentication.generate_passphrase' });
  // An expiry belongs to a new passphrase: alone it changes nothing.
  if (passphrase === undefined && generate !== true) {
    if (expiryTime !== undefined) throw ontapError(ERRORS.passphraseOrGenerate, { target: 'authentication.expiry_time' });
    return undefined;
  }
  if (inUse !== 'ok') throw ontapError(ERRORS.passphraseNeedsAuth, { target: 'authentication.passphrase' });
  if (passphrase !== undefined) checkPassphrase(passphrase);
  return { passphrase: passphrase ?? generatePassphrase(), generated: passphrase === undefined, expiresAt: expiryFrom(expiryTime, now) };
}

function checkName(cluster: OntapCluster, name: string): void {
  if (!CLUSTER_NAME.test(name)) throw ontapError(ERRORS.invalidName, { target: 'name' });
  if (name === cluster.name) throw ontapError(ERRORS.sameNameAsLocal, { target: 'name' });
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw ontapError(ERRORS.invalidValue, { target: 'authentication.passphrase', detail: `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.` });
  }
}

/** PATCH's address checks: not empty, resolvable (the simulator has no DNS), one family, usable in the IPspace. */
function checkRemoteAddresses(cluster: OntapCluster, addresses: string[], ipspace: string): void {
  const target = 'remote.ip_addresses';
  if (addresses.length === 0) throw ontapError(ERRORS.remoteAddressesEmpty, { target });
  const families = new Set(addresses.map((address) => isIP(address)));
  if (families.has(0)) throw ontapError(ERRORS.hostNotResolved, { target });
  if (families.size > 1) throw ontapError(ERRORS.mixedAddressFamilies, { target });
  const localFamilies = new Set(cluster.lifs(ipspace).map((lif) => isIP(lif.address)));
  if (!localFamilies.has(isIP(addresses[0]))) throw ontapError(ERRORS.addressFamilyNotInIpspace, { target });
}

/** The proposal of a create: by default tls_psk where the cluster can encrypt (the contract's default). */
function createEncryption(cluster: OntapCluster, encryption: Json | undefined): EncryptionProtocol {
  const given = encryption && protocol(encryption.proposed);
  if (given && !cluster.supportsEncryption) throw ontapError(ERRORS.encryptionNeedsEcv96, { target: 'encryption.proposed' });
  const proposed = given ?? (cluster.supportsEncryption ? 'tls_psk' : 'none');
  if (proposed === 'tls_psk' && cluster.nodes === 0) throw ontapError(ERRORS.encryptionCheckFailed, { target: 'encryption.proposed' });
  return proposed;
}

/** The contract's enum is none|tls_psk; NetApp's prose writes tls-psk: both are accepted. */
function protocol(value: unknown): EncryptionProtocol {
  if (value === 'none') return 'none';
  if (value === 'tls_psk' || value === 'tls-psk') return 'tls_psk';
  throw ontapError(ERRORS.invalidValue, { target: 'encryption.proposed', detail: `"${String(value)}" is not one of none, tls_psk.` });
}

interface IpspaceErrors {
  notFound: OntapErrorDef;
  mismatch: OntapErrorDef;
}
const CREATE_IPSPACE_ERRORS: IpspaceErrors = { notFound: ERRORS.ipspaceNotFound, mismatch: ERRORS.ipspaceMismatch };
const PATCH_IPSPACE_ERRORS: IpspaceErrors = { notFound: ERRORS.patchIpspaceNotFound, mismatch: ERRORS.patchIpspaceNotFound };

/**
 * The IPspace named by `body.ipspace` (name and/or uuid), Default when absent. The Cluster IPspace
 * never peers: with local LIFs to create it is the System SVM's refusal, otherwise 4653365.
 */
function requireIpspace(cluster: OntapCluster, body: Json, createsLifs: boolean, errors: IpspaceErrors): Ipspace {
  const ref = optionalObject(body, 'ipspace', ['name', 'uuid']);
  const name = optionalString(ref, 'name', 'ipspace.name');
  const uuid = optionalString(ref, 'uuid', 'ipspace.uuid');
  const byName = name === undefined ? undefined : cluster.ipspaceByName(name);
  const byUuid = uuid === undefined ? undefined : cluster.ipspaceByUuid(uuid);
  if ((name !== undefined && !byName) || (uuid !== undefined && !byUuid)) throw ontapError(errors.notFound, { target: 'ipspace' });
  if (byName && byUuid && byName !== byUuid) throw ontapError(errors.mismatch, { target: 'ipspace' });
  const ipspace = byName ?? byUuid ?? (cluster.ipspaceByName(DEFAULT_IPSPACE) as Ipspace);
  if (ipspace.name === CLUSTER_IPSPACE) {
    throw createsLifs
      ? ontapError(ERRORS.clusterIpspaceLifs, { target: 'ipspace' })
      : ontapError(ERRORS.ipspaceUnavailable, { target: 'ipspace', values: { ipspace: ipspace.name } });
  }
  return ipspace;
}

/** `local_network`: each missing part has its own code (NetApp's cluster-peers reference, POST table). */
function localLifAddresses(cluster: OntapCluster, network: Json, ipspace: Ipspace): string[] {
  if (cluster.nodes === 0) throw ontapError(ERRORS.noNodes);
  if (network.interfaces === undefined) throw ontapError(ERRORS.lifNeedsAddresses, { target: 'local_network.interfaces' });
  const interfaces = array(network.interfaces, 'local_network.interfaces');
  if (interfaces.length === 0) throw ontapError(ERRORS.lifEmptyAddresses, { target: 'local_network.interfaces' });
  const addresses = interfaces.map((entry, i) => {
    const target = `local_network.interfaces[${i}].ip_address`;
    const address = optionalString(
      allowOnly(object(entry, `local_network.interfaces[${i}]`), ['ip_address'], `local_network.interfaces[${i}]`),
      'ip_address',
      target,
    );
    if (address === undefined) throw ontapError(ERRORS.lifNeedsAddresses, { target });
    if (!isIP(address)) throw ontapError(ERRORS.invalidValue, { target, detail: `"${address}" is not an IPv4 or IPv6 address.` });
    return address;
  });
  if (addresses.length > cluster.nodes) throw ontapError(ERRORS.lifTooManyAddresses, { target: 'local_network.interfaces' });
  const netmask = optionalString(network, 'netmask', 'local_network.netmask');
  if (netmask === undefined) throw ontapError(ERRORS.lifNeedsNetmask, { target: 'local_network.netmask' });
  if (!/^\d{1,3}$/.test(netmask) && isIP(netmask) !== 4) throw ontapError(ERRORS.invalidValue, { target: 'local_network.netmask' });
  const broadcastDomain = optionalString(network, 'broadcast_domain', 'local_network.broadcast_domain');
  if (broadcastDomain === undefined) throw ontapError(ERRORS.lifNeedsBroadcastDomain, { target: 'local_network.broadcast_domain' });
  const gateway = optionalString(network, 'gateway', 'local_network.gateway');
  if (gateway === undefined) throw ontapError(ERRORS.lifNeedsGateway, { target: 'local_network.gateway' });
  if (!isIP(gateway)) throw ontapError(ERRORS.invalidValue, { target: 'local_network.gateway' });
  if (!ipspace.broadcastDomains.includes(broadcastDomain)) throw ontapError(ERRORS.lifNoPorts, { target: 'local_network.broadcast_domain' });
  return addresses;
}

function svms(body: Json): SvmRef[] | undefined {
  if (body.initial_allowed_svms === undefined) return undefined;
  return array(body.initial_allowed_svms, 'initial_allowed_svms').map((entry, i) => {
    const path = `initial_allowed_svms[${i}]`;
    const svm = allowOnly(object(entry, path), ['name', 'uuid'], path);
    const name = optionalString(svm, 'name', `${path}.name`);
    const uuid = optionalString(svm, 'uuid', `${path}.uuid`);
    if (name === undefined && uuid === undefined) throw ontapError(ERRORS.invalidValue, { target: path, detail: 'An SVM needs a name or a uuid.' });
    return { ...(name === undefined ? {} : { name }), ...(uuid === undefined ? {} : { uuid }) };
  });
}

function peerApplications(body: Json): string[] | undefined {
  const apps = optionalStrings(body, 'peer_applications', 'peer_applications');
  const unknown = apps?.find((app) => !PEER_APPLICATIONS.includes(app));
  if (unknown !== undefined)
    throw ontapError(ERRORS.invalidValue, { target: 'peer_applications', detail: `"${unknown}" is not one of ${PEER_APPLICATIONS.join(', ')}.` });
  return apps;
}

// ---- JSON shape helpers: ONTAP answers 262179 for unknown fields and 262185 for values of the wrong type.

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be an object.` });
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be an array.` });
  return value;
}

function allowOnly(value: Json, keys: string[], path: string): Json {
  const extra = Object.keys(value).find((key) => !keys.includes(key));
  if (extra !== undefined) {
    const field = path ? `${path}.${extra}` : extra;
    throw ontapError(ERRORS.unexpectedArgument, { target: field, detail: `"${field}" cannot be set in this request.` });
  }
  return value;
}

function optionalObject(parent: Json, key: string, keys: string[]): Json | undefined {
  return parent[key] === undefined ? undefined : allowOnly(object(parent[key], key), keys, key);
}

function optionalString(parent: Json | undefined, key: string, path: string): string | undefined {
  const value = parent?.[key];
  if (value === undefined || typeof value === 'string') return value;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be a string.` });
}

function optionalBoolean(parent: Json | undefined, key: string, path: string): boolean | undefined {
  const value = parent?.[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must be true or false.` });
}

function optionalStrings(parent: Json | undefined, key: string, path: string): string[] | undefined {
  const value = parent?.[key];
  if (value === undefined) return undefined;
  return array(value, path).map((item) => {
    if (typeof item !== 'string') throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${path}" must hold strings.` });
    return item;
  });
}

function optionalEnum<T extends string>(parent: Json | undefined, key: string, values: readonly T[], path: string): T | undefined {
  const value = optionalString(parent, key, path);
  if (value === undefined || (values as readonly string[]).includes(value)) return value as T | undefined;
  throw ontapError(ERRORS.invalidValue, { target: path, detail: `"${value}" is not one of ${values.join(', ')}.` });
}

function expandDottedKeys(body: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const parts = key.split('.');
    const last = parts.pop() as string;
    let node = out;
    for (const part of parts) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Json;
    }
    node[last] = isObject(value) && isObject(node[last]) ? { ...(node[last] as Json), ...value } : value;
  }
  return out;
}
