import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { ERRORS, type OntapErrorDef, ontapError } from '../errors.js';
import { IPSEC_ERRORS } from './errors.js';
import { type Json, allowOnly, optionalBoolean, optionalEnum, optionalObject, optionalRef, optionalString, optionalText } from './json.js';
import type { Endpoint, IpsecAction, IpsecAuthentication, IpsecPolicy, SecurityState, Svm } from './state.js';

/**
 * `/api/security/ipsec/policies` (NetApp's IPsec-policies reference): every documented rule, checked in the order that
 * decides which code a request with several faults gets, and the records as GET shows them
 * (`secret_key` is write-only: never shown).
 */

export const IPSEC_PATH = '/api/security/ipsec/policies';
export const IPSEC_DEFAULT_FIELDS = ['name', 'svm'];

const ACTIONS: readonly IpsecAction[] = ['esp_transport', 'esp_udp', 'bypass', 'discard'];
const AUTHENTICATION: readonly IpsecAuthentication[] = ['psk', 'pki'];
const PROTECTING: readonly IpsecAction[] = ['esp_transport', 'esp_udp'];
/** name: maxLength 64, minLength 1, ASCII. */
const POLICY_NAME = /^[\x20-\x7e]{1,64}$/;
/** ONTAP's pre-shared keys: 18 to 128 ASCII characters; `0x` prefixes hex, `0s` prefixes Base64. */
const SECRET_KEY = /^[\x20-\x7e]{18,128}$/;
const PROTOCOL_NUMBERS: Record<string, string> = { tcp: '6', udp: '17' };
const ENDPOINT_KEYS = ['address', 'netmask', 'port', 'family'];

export const ipsecHref = (uuid: string): string => `${IPSEC_PATH}/${uuid}`;

export function ipsecView(state: SecurityState, policy: IpsecPolicy): Json {
  const svm = state.requireSvm(policy.svmUuid);
  const certificate = policy.certificateUuid ? state.certificate(policy.certificateUuid) : undefined;
  return {
    uuid: policy.uuid,
    name: policy.name,
    scope: svm.kind === 'admin' ? 'cluster' : 'svm',
    svm: { uuid: svm.uuid, name: svm.name, _links: { self: { href: `/api/svm/svms/${svm.uuid}` } } },
    ipspace: { ...svm.ipspace, _links: { self: { href: `/api/network/ipspaces/${svm.ipspace.uuid}` } } },
    enabled: policy.enabled,
    action: policy.action,
    ...(PROTECTING.includes(policy.action) ? { authentication_method: policy.authenticationMethod } : {}),
    ...(certificate
      ? { certificate: { uuid: certificate.uuid, name: certificate.name, _links: { self: { href: `/api/security/certificates/${certificate.uuid}` } } } }
      : {}),
    local_endpoint: endpointView(policy.local),
    remote_endpoint: endpointView(policy.remote),
    protocol: policy.protocol,
    ...(policy.localIdentity !== undefined ? { local_identity: policy.localIdentity } : {}),
    ...(policy.remoteIdentity !== undefined ? { remote_identity: policy.remoteIdentity } : {}),
    _links: { self: { href: ipsecHref(policy.uuid) } },
  };
}

/** "Output is always the netmask length." */
function endpointView(endpoint: Endpoint): Json {
  return {
    address: endpoint.address,
    netmask: String(endpoint.netmask),
    family: endpoint.family,
    ...(endpoint.port !== undefined ? { port: endpoint.port } : {}),
  };
}

export function requirePolicy(state: SecurityState, uuid: string): IpsecPolicy {
  const policy = state.ipsecPolicies.get(uuid);
  if (!policy) throw ontapError(ERRORS.notFound, { target: 'uuid' });
  return policy;
}

/** POST /security/ipsec/policies. */
export function createPolicy(state: SecurityState, body: Json): IpsecPolicy {
  allowOnly(body, [
    'name',
    'svm',
    'ipspace',
    'local_endpoint',
    'remote_endpoint',
    'protocol',
    'action',
    'authentication_method',
    'secret_key',
    'certificate',
    'enabled',
    'local_identity',
    'remote_identity',
  ]);
  checkFeature(state);
  const name = optionalString(body, 'name');
  if (name === undefined || !POLICY_NAME.test(name)) throw ontapError(IPSEC_ERRORS.nameLength, { target: 'name' });
  const svm = policySvm(state, body);

  const action = optionalEnum(body, 'action', ACTIONS) ?? 'esp_transport';
  const auth = authentication(state, svm, action, {
    method: optionalEnum(body, 'authentication_method', AUTHENTICATION),
    secretKey: optionalString(body, 'secret_key'),
    certificate: optionalRef(body, 'certificate'),
    remoteIdentity: optionalString(body, 'remote_identity'),
  });
  const local = endpoint(optionalObject(body, 'local_endpoint', ENDPOINT_KEYS), 'local');
  const remote = endpoint(optionalObject(body, 'remote_endpoint', ENDPOINT_KEYS), 'remote');
  checkSubnets(local, remote, action);
  const protocol = parseProtocol(optionalText(body, 'protocol'));

  const policies = [...state.ipsecPolicies.values()];
  const inSvm = policies.filter((p) => p.svmUuid === svm.uuid);
  if (inSvm.some((p) => p.name === name)) throw ontapError(IPSEC_ERRORS.duplicateName, { target: 'name' });
  if (inSvm.length >= state.settings.maxPoliciesPerSvm) throw ontapError(IPSEC_ERRORS.svmLimit, { target: 'svm' });
  if (policies.length >= state.settings.maxPoliciesPerCluster) throw ontapError(IPSEC_ERRORS.clusterLimit);

  const policy: IpsecPolicy = {
    uuid: randomUUID(),
    name,
    svmUuid: svm.uuid,
    enabled: optionalBoolean(body, 'enabled') ?? true,
    action,
    ...auth,
    local,
    remote,
    protocol,
    localIdentity: optionalString(body, 'local_identity'),
    remoteIdentity: optionalString(body, 'remote_identity'),
  };
  state.ipsecPolicies.set(policy.uuid, policy);
  return policy;
}

/** PATCH /security/ipsec/policies/{uuid}: the changed policy must pass the create rules again. */
export function patchPolicy(state: SecurityState, policy: IpsecPolicy, body: Json): void {
  // name, svm and ipspace identify the policy: "This field cannot be specified in a PATCH method."
  allowOnly(body, [
    'enabled',
    'action',
    'authentication_method',
    'secret_key',
    'certificate',
    'local_endpoint',
    'remote_endpoint',
    'protocol',
    'local_identity',
    'remote_identity',
  ]);
  checkFeature(state);
  const svm = state.requireSvm(policy.svmUuid);
  const action = optionalEnum(body, 'action', ACTIONS) ?? policy.action;
  const method = optionalEnum(body, 'authentication_method', AUTHENTICATION);
  const secretKey = optionalString(body, 'secret_key');
  const certificate = optionalRef(body, 'certificate');
  const remoteIdentity = optionalString(body, 'remote_identity') ?? policy.remoteIdentity;
  const protecting = PROTECTING.includes(action);
  // What the request does not change is kept, unless the new method or action makes it moot.
  const keepMethod = protecting && PROTECTING.includes(policy.action) ? policy.authenticationMethod : undefined;
  const effectiveMethod = method ?? (secretKey !== undefined ? 'psk' : certificate ? 'pki' : keepMethod);
  const auth = authentication(state, svm, action, {
    method: effectiveMethod,
    secretKey: secretKey ?? (effectiveMethod === 'psk' && protecting ? policy.secretKey : undefined),
    certificate: certificate ?? (effectiveMethod === 'pki' && protecting && policy.certificateUuid ? { uuid: policy.certificateUuid } : undefined),
    remoteIdentity,
  });
  const local = endpoint(optionalObject(body, 'local_endpoint', ENDPOINT_KEYS), 'local', policy.local);
  const remote = endpoint(optionalObject(body, 'remote_endpoint', ENDPOINT_KEYS), 'remote', policy.remote);
  checkSubnets(local, remote, action);
  const protocolText = optionalText(body, 'protocol');
  const protocol = protocolText === undefined ? policy.protocol : parseProtocol(protocolText);

  Object.assign(policy, {
    enabled: optionalBoolean(body, 'enabled') ?? policy.enabled,
    action,
    authenticationMethod: auth.authenticationMethod,
    secretKey: auth.secretKey,
    certificateUuid: auth.certificateUuid,
    local,
    remote,
    protocol,
    localIdentity: optionalString(body, 'local_identity') ?? policy.localIdentity,
    remoteIdentity,
  });
}

function checkFeature(state: SecurityState): void {
  if (state.settings.ipsecSupport === 'nodes-mixed') throw ontapError(IPSEC_ERRORS.nodesUnsupported);
  if (state.settings.ipsecSupport === 'ecv-too-old') throw ontapError(IPSEC_ERRORS.ecvUnsupported);
}

/**
 * The SVM of a new policy: named by `svm` (with `ipspace` as a cross-check), the admin SVM when
 * absent. IPsec is for data SVMs only; the admin SVM of a MetroCluster has a code of its own.
 */
function policySvm(state: SecurityState, body: Json): Svm {
  const ipspaceRef = optionalRef(body, 'ipspace');
  let ipspace: { name: string; uuid: string } | undefined;
  if (ipspaceRef && (ipspaceRef.name !== undefined || ipspaceRef.uuid !== undefined)) {
    const byName = ipspaceRef.name === undefined ? undefined : state.cluster.ipspaceByName(ipspaceRef.name);
    const byUuid = ipspaceRef.uuid === undefined ? undefined : state.cluster.ipspaceByUuid(ipspaceRef.uuid);
    if (byName && byUuid && byName !== byUuid) throw ontapError(IPSEC_ERRORS.ipspaceMismatch, { target: 'ipspace' });
    ipspace = byName ?? byUuid;
    if (!ipspace || (ipspaceRef.name !== undefined && !byName) || (ipspaceRef.uuid !== undefined && !byUuid)) {
      throw ontapError(ERRORS.invalidValue, { target: 'ipspace', detail: 'No such IPspace.' });
    }
  }
  const ref = optionalRef(body, 'svm');
  let svm = state.adminSvm;
  if (ref?.name !== undefined || ref?.uuid !== undefined) {
    const byName = ref.name === undefined ? undefined : state.svmByName(ref.name);
    const byUuid = ref.uuid === undefined ? undefined : state.svmByUuid(ref.uuid);
    if (ref.name !== undefined && !byName) throw ontapError(IPSEC_ERRORS.svmNameInvalid, { target: 'svm.name' });
    if (ref.uuid !== undefined && (!byUuid || (byName && byName !== byUuid))) throw ontapError(IPSEC_ERRORS.svmUuidInvalid, { target: 'svm.uuid' });
    svm = (byName ?? byUuid) as Svm;
  }
  if (ipspace && ipspace.uuid !== svm.ipspace.uuid) throw ontapError(IPSEC_ERRORS.svmNotInIpspace, { target: 'svm' });
  if (svm.kind === 'admin' && state.settings.metroCluster) throw ontapError(IPSEC_ERRORS.adminSvmMetroCluster, { target: 'svm' });
  if (svm.kind !== 'data') throw ontapError(IPSEC_ERRORS.dataSvmOnly, { target: 'svm' });
  if (svm.migrating) throw ontapError(IPSEC_ERRORS.svmMigrating, { target: 'svm' });
  return svm;
}

interface AuthInput {
  method?: IpsecAuthentication;
  secretKey?: string;
  certificate?: { uuid?: string; name?: string };
  remoteIdentity?: string;
}

type Auth = Pick<IpsecPolicy, 'authenticationMethod' | 'secretKey' | 'certificateUuid'>;

/**
 * Authentication by action and method: bypass and discard protect nothing, so any
 * authentication given is refused; ESP needs a pre-shared key (psk) or a certificate (pki),
 * never both. Without a method, what was given decides it.
 */
function authentication(state: SecurityState, svm: Svm, action: IpsecAction, input: AuthInput): Auth {
  const { method, secretKey, certificate, remoteIdentity } = input;
  if (!PROTECTING.includes(action)) {
    if (method !== undefined || secretKey !== undefined || certificate) throw ontapError(IPSEC_ERRORS.authIgnored, { target: 'authentication_method' });
    return { authenticationMethod: 'psk', secretKey: undefined, certificateUuid: undefined };
  }
  if (secretKey === undefined && !certificate) {
    if (method === 'psk') throw ontapError(IPSEC_ERRORS.pskNeedsKey, { target: 'secret_key' });
    if (method === 'pki') throw ontapError(IPSEC_ERRORS.pkiNeedsCertificate, { target: 'certificate.uuid' });
    throw ontapError(IPSEC_ERRORS.protectionNeedsAuth, { target: 'action' });
  }
  const effective = method ?? (secretKey !== undefined ? 'psk' : 'pki');
  if (effective === 'psk') {
    if (certificate) throw ontapError(IPSEC_ERRORS.pskNoCertificate, { target: 'certificate' });
    checkSecretKey(secretKey as string);
    return { authenticationMethod: 'psk', secretKey, certificateUuid: undefined };
  }
  if (secretKey !== undefined) throw ontapError(IPSEC_ERRORS.pkiNoKey, { target: 'secret_key' });
  const found = endEntityCertificate(state, svm, certificate as { uuid?: string; name?: string });
  if (!remoteIdentity) throw ontapError(IPSEC_ERRORS.remoteIdentityNeeded, { target: 'remote_identity' });
  return { authenticationMethod: 'pki', secretKey: undefined, certificateUuid: found };
}

/** The value is never put in an error message. */
function checkSecretKey(key: string): void {
  if (!SECRET_KEY.test(key)) throw ontapError(IPSEC_ERRORS.keyLength, { target: 'secret_key' });
  const prefix = key.slice(0, 2).toLowerCase();
  const rest = key.slice(2);
  if (prefix === '0x' && !/^(?:[0-9a-fA-F]{2})+$/.test(rest)) throw ontapError(IPSEC_ERRORS.pskNotHex, { target: 'secret_key' });
  if (prefix === '0s' && !(/^[A-Za-z0-9+/]+={0,2}$/.test(rest) && rest.length % 4 === 0)) throw ontapError(IPSEC_ERRORS.pskNotBase64, { target: 'secret_key' });
}

function endEntityCertificate(state: SecurityState, svm: Svm, ref: { uuid?: string; name?: string }): string {
  if (ref.uuid === undefined && ref.name === undefined) throw ontapError(IPSEC_ERRORS.pkiNeedsCertificate, { target: 'certificate.uuid' });
  let certificate;
  if (ref.uuid !== undefined) {
    certificate = state.certificate(ref.uuid);
    if (!certificate) throw ontapError(IPSEC_ERRORS.certificateNotFound, { target: 'certificate.uuid' });
    if (ref.name !== undefined && ref.name !== certificate.name) throw ontapError(IPSEC_ERRORS.certificateNameMismatch, { target: 'certificate.name' });
  } else {
    certificate = state.certificates.find((c) => c.name === ref.name && c.svmUuid === svm.uuid);
  }
  if (!certificate || certificate.svmUuid !== svm.uuid) throw ontapError(IPSEC_ERRORS.certificateNotOnSvm, { target: 'certificate' });
  if (certificate.type !== 'client' && certificate.type !== 'server') throw ontapError(IPSEC_ERRORS.certificateType, { target: 'certificate' });
  return certificate.uuid;
}

const SIDE_ERRORS: Record<'local' | 'remote', { subnet: OntapErrorDef; netmask: OntapErrorDef; port: OntapErrorDef }> = {
  local: { subnet: IPSEC_ERRORS.oneLocalSubnet, netmask: IPSEC_ERRORS.localNeedsNetmask, port: IPSEC_ERRORS.oneLocalPort },
  remote: { subnet: IPSEC_ERRORS.oneRemoteSubnet, netmask: IPSEC_ERRORS.remoteNeedsNetmask, port: IPSEC_ERRORS.oneRemotePort },
};

/**
 * One endpoint: a single subnet (address with netmask; `10.0.0.0/24` is taken too) and at most
 * one port. On PATCH, `current` supplies what the request leaves out; a new address needs its
 * netmask in the same request.
 */
function endpoint(raw: Json | undefined, side: 'local' | 'remote', current?: Endpoint): Endpoint {
  const target = `${side}_endpoint`;
  const errors = SIDE_ERRORS[side];
  if (!raw && current) return current;
  const addressText = optionalString(raw, 'address', `${target}.address`);
  const netmaskText = optionalText(raw, 'netmask', `${target}.netmask`);
  const portText = optionalText(raw, 'port', `${target}.port`);
  const family = optionalEnum(raw, 'family', ['ipv4', 'ipv6'] as const, `${target}.family`);
  const port = portText === undefined ? current?.port : parsePort(portText, errors.port, target);
  if (addressText === undefined && current) {
    const netmask = netmaskText === undefined ? current.netmask : parseNetmask(netmaskText, current.family === 'ipv4' ? 4 : 6, `${target}.netmask`);
    return { ...current, netmask, port };
  }
  if (addressText === undefined || addressText.trim() === '') throw ontapError(IPSEC_ERRORS.emptySubnet, { target: `${target}.address` });
  if (/[,;\s]/.test(addressText.trim())) throw ontapError(errors.subnet, { target: `${target}.address` });
  const [address, prefix, extra] = addressText.split('/');
  if (extra !== undefined) throw ontapError(errors.subnet, { target: `${target}.address` });
  const version = isIP(address);
  if (version === 0) throw ontapError(ERRORS.invalidValue, { target: `${target}.address`, detail: `"${address}" is not an IPv4 or IPv6 address.` });
  const actualFamily = version === 4 ? 'ipv4' : 'ipv6';
  if (family !== undefined && family !== actualFamily) throw ontapError(ERRORS.invalidValue, { target: `${target}.family` });
  const maskText = netmaskText ?? prefix;
  let netmask: number;
  if (maskText === undefined) {
    // "For IPv6, the default value is 64."
    if (version === 4) throw ontapError(errors.netmask, { target: `${target}.netmask` });
    netmask = 64;
  } else {
    netmask = parseNetmask(maskText, version, `${target}.netmask`);
  }
  return { address, netmask, family: actualFamily, port };
}

/** "Input as netmask length (16) or IPv4 mask (255.255.0.0)." */
function parseNetmask(text: string, version: number, target: string): number {
  const max = version === 4 ? 32 : 128;
  if (/^\d{1,3}$/.test(text) && Number(text) <= max) return Number(text);
  if (version === 4 && isIP(text) === 4) {
    const bits = text
      .split('.')
      .map((octet) => Number(octet).toString(2).padStart(8, '0'))
      .join('');
    if (/^1*0*$/.test(bits)) return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
  }
  throw ontapError(ERRORS.invalidValue, { target, detail: `"${text}" is not a netmask length or an IPv4 mask.` });
}

/** One port, 0 to 65535; "80-80" is one port, "80-90" a range; 0 means any. */
function parsePort(text: string, oneOnly: OntapErrorDef, target: string): string | undefined {
  const value = text.trim();
  if (/[,;\s]/.test(value)) throw ontapError(oneOnly, { target: `${target}.port` });
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range && range[1] !== range[2]) throw ontapError(IPSEC_ERRORS.portRange, { target: `${target}.port` });
  const single = range ? range[1] : value;
  if (single === 'any') return undefined;
  if (!/^\d+$/.test(single) || Number(single) > 65535) throw ontapError(IPSEC_ERRORS.badPort, { target: `${target}.port` });
  return Number(single) === 0 ? undefined : String(Number(single));
}

function parseProtocol(text: string | undefined): string {
  if (text === undefined) return 'any';
  const value = text.trim().toLowerCase();
  if (/[,;\s]/.test(value)) throw ontapError(IPSEC_ERRORS.oneProtocol, { target: 'protocol' });
  if (value === 'any') return 'any';
  if (PROTOCOL_NUMBERS[value]) return PROTOCOL_NUMBERS[value];
  if (/^\d{1,3}$/.test(value) && Number(value) <= 255) return String(Number(value));
  throw ontapError(ERRORS.invalidValue, { target: 'protocol', detail: `"${text}" is not tcp, udp, any or an IP protocol number.` });
}

/** The subnet rules of NetApp's IPsec-policies reference: the ANY wildcard (0.0.0.0/0, ::/0), non-zero local subnet, ports, ESP in UDP. */
function checkSubnets(local: Endpoint, remote: Endpoint, action: IpsecAction): void {
  if (isZero(local.address) && local.netmask === 0) throw ontapError(IPSEC_ERRORS.localNonZero, { target: 'local_endpoint' });
  for (const [endpoint, target] of [
    [local, 'local_endpoint'],
    [remote, 'remote_endpoint'],
  ] as const) {
    if (isZero(endpoint.address) !== (endpoint.netmask === 0)) throw ontapError(IPSEC_ERRORS.invalidAny, { target });
  }
  if (local.family !== remote.family)
    throw ontapError(ERRORS.invalidValue, { target: 'remote_endpoint.address', detail: 'Both endpoints must be of one address family.' });
  if (isZero(remote.address) && remote.netmask === 0 && local.port === undefined && remote.port === undefined) {
    throw ontapError(IPSEC_ERRORS.anyNeedsPort, { target: 'remote_endpoint.port' });
  }
  if (action === 'esp_udp') {
    if (local.family === 'ipv6') throw ontapError(IPSEC_ERRORS.espUdpV6, { target: 'action' });
    // UDP encapsulation (NAT traversal) protects host-to-host traffic only.
    if (local.netmask !== 32 || remote.netmask !== 32)
      throw ontapError(IPSEC_ERRORS.hostAddressOnly, { target: local.netmask !== 32 ? 'local_endpoint' : 'remote_endpoint' });
  }
}

function isZero(address: string): boolean {
  return isIP(address) === 4 ? address === '0.0.0.0' : /^[0:]+$/.test(address);
}
