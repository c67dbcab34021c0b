import { randomBytes, randomUUID } from 'node:crypto';
import { ERRORS, ontapError } from '../errors.js';
import { KM_ERRORS } from './errors.js';
import { type Json, allowOnly, array, askedFields, object, optionalBoolean, optionalInteger, optionalObject, optionalRef, optionalString } from './json.js';
import type { Certificate, KeyManager, KeyServer, SecurityState, Svm } from './state.js';

/**
 * `/api/security/key-managers` and its `key-servers` (NetApp's key-managers reference, and the 9.6 contract for the
 * key-server tables): the checks ONTAP makes, in the order that decides which code a request
 * with several faults gets, and the records as GET shows them.
 */

export const KEY_MANAGERS_PATH = '/api/security/key-managers';
/** A collection GET without `fields` shows the key, the scope and the SVM. */
export const KEY_MANAGER_DEFAULT_FIELDS = ['scope', 'svm'];

const MAX_KEY_SERVERS = 4;
const DEFAULT_KMIP_PORT = 5696;
const DEFAULT_TIMEOUT_S = 25;
/** "The cluster password of length 32-256 ASCII characters." */
const PASSPHRASE = /^[\x20-\x7e]{32,256}$/;

/** What a manager reads when nothing needs doing (the example of `status` in NetApp's key-managers reference). */
export const STATUS_OK = { code: 65537200, message: 'No action needed at this time.' };
/** Seed 003's example status of an onboard manager whose MetroCluster partner is not synchronized. */
export const STATUS_METROCLUSTER_SYNC = {
  code: 346758,
  message:
    'This cluster is part of a MetroCluster configuration. Use the REST API POST method security/key_managers/ with the synchronize option and the same passphrase on the partner cluster before proceeding with any key manager operations. Failure to do so could lead to switchover or switchback failure.',
};

export const keyManagerHref = (uuid: string): string => `${KEY_MANAGERS_PATH}/${uuid}`;
const keyServerHref = (uuid: string, server: string): string => `${keyManagerHref(uuid)}/key-servers/${encodeURIComponent(server)}`;
const certificateLink = (uuid: string) => ({ uuid, _links: { self: { href: `/api/security/certificates/${uuid}` } } });

/** The expensive properties are computed only when `fields` names them (or asks for `**`). */
export function expensiveFields(query: URLSearchParams): { status: boolean; connectivity: boolean } {
  const asked = askedFields(query);
  const all = asked.includes('**');
  return {
    status: all || asked.some((field) => field === 'status' || field.startsWith('status.')),
    connectivity: all || asked.some((field) => field.split('.').includes('connectivity')),
  };
}

export function keyManagerView(state: SecurityState, km: KeyManager, expensive: { status: boolean; connectivity: boolean }): Json {
  const svm = state.requireSvm(km.svmUuid);
  const view: Json = { uuid: km.uuid, scope: svm.kind === 'admin' ? 'cluster' : 'svm' };
  if (svm.kind !== 'admin') view.svm = { uuid: svm.uuid, name: svm.name, _links: { self: { href: `/api/svm/svms/${svm.uuid}` } } };
  if (km.kind === 'onboard') view.onboard = { enabled: true, key_backup: km.keyBackup };
  else {
    view.external = {
      client_certificate: certificateLink(km.clientCertificate as string),
      server_ca_certificates: km.serverCaCertificates.map(certificateLink),
      servers: km.servers.map((server) => ({
        ...nestedServerView(km, server),
        ...(expensive.connectivity ? { connectivity: connectivity(state, server) } : {}),
      })),
    };
  }
  view.volume_encryption = volumeEncryption(state);
  view.is_default_data_at_rest_encryption_disabled = false;
  if (expensive.status) view.status = keyManagerStatus(state, km);
  view._links = { self: { href: keyManagerHref(km.uuid) } };
  return view;
}

/** A server in its manager's record: the key-server record without the manager's uuid. */
function nestedServerView(km: KeyManager, server: KeyServer): Json {
  const { uuid: _uuid, ...view } = keyServerView(km, server);
  return view;
}

export function keyServerView(km: KeyManager, server: KeyServer): Json {
  return {
    uuid: km.uuid,
    server: server.server,
    timeout: server.timeout,
    username: server.username,
    _links: { self: { href: keyServerHref(km.uuid, server.server) } },
  };
}

/**
 * "Returns 0 if the setup is complete" says the definition; the reference's example of a manager
 * that needs nothing reads 65537200, which is what the simulator answers. An onboard manager
 * in a MetroCluster whose partner has none reads 346758 (NetApp's key-managers reference); an external manager none
 * of whose servers answers reads 66060341.
 */
export function keyManagerStatus(state: SecurityState, km: KeyManager): { code: number; message: string } {
  if (km.statusOverride) return { ...km.statusOverride };
  if (km.kind === 'onboard') return state.settings.metroCluster?.partnerKeyManager === 'none' ? { ...STATUS_METROCLUSTER_SYNC } : { ...STATUS_OK };
  if (!km.servers.some((server) => state.keyServerReachable(server.server)))
    return { code: Number(KM_ERRORS.keyServerNetwork.code), message: KM_ERRORS.keyServerNetwork.message };
  return { ...STATUS_OK };
}

/** "The state is returned for a node only if the connectivity is not in an available state on that node." */
function connectivity(state: SecurityState, server: KeyServer): Json {
  if (state.keyServerReachable(server.server)) return { cluster_availability: true, records: [] };
  return { cluster_availability: false, records: state.nodes.map((node) => ({ node: { name: node.name, uuid: node.uuid }, state: 'not_responding' })) };
}

function volumeEncryption(state: SecurityState): Json {
  if (state.settings.platformEncryption) return { supported: true, code: 0, message: '' };
  return {
    supported: false,
    code: 65536935,
    message: `The following nodes do not support volume granular encryption: ${state.nodes.map((n) => n.name).join(', ')}.`,
  };
}

export function requireKeyManager(state: SecurityState, uuid: string): KeyManager {
  const km = state.keyManagers.get(uuid);
  if (!km) throw ontapError(ERRORS.notFound, { target: 'uuid' });
  return km;
}

/** POST /security/key-managers: validates, then creates the manager. */
export function createKeyManager(state: SecurityState, body: Json): KeyManager {
  allowOnly(body, ['svm', 'onboard', 'external']);
  const onboard = optionalObject(body, 'onboard', ['passphrase', 'synchronize', 'existing_passphrase']);
  const external = optionalObject(body, 'external', ['client_certificate', 'server_ca_certificates', 'servers']);
  if (onboard && external) throw ontapError(ERRORS.invalidValue, { target: 'external', detail: 'Onboard and external key management are mutually exclusive.' });
  if (!onboard && !external) throw ontapError(ERRORS.invalidValue, { target: 'onboard', detail: 'Specify onboard or external key management.' });
  if (!state.settings.platformEncryption) throw ontapError(KM_ERRORS.platformUnsupported);
  const svm = keyManagerSvm(state, body);
  const km = onboard ? createOnboard(state, svm, onboard) : createExternal(state, svm, external as Json);
  state.keyManagers.set(km.uuid, km);
  return km;
}

/** The SVM named by `svm` (name and/or uuid); the admin SVM (cluster scope) when absent. */
function keyManagerSvm(state: SecurityState, body: Json): Svm {
  const ref = optionalRef(body, 'svm');
  if (!ref || (ref.name === undefined && ref.uuid === undefined)) return state.adminSvm;
  const byName = ref.name === undefined ? undefined : state.svmByName(ref.name);
  const byUuid = ref.uuid === undefined ? undefined : state.svmByUuid(ref.uuid);
  const svm = byName ?? byUuid;
  const mismatch = (ref.name !== undefined && !byName) || (ref.uuid !== undefined && !byUuid) || (byName && byUuid && byName !== byUuid);
  // The Cluster IPspace's system SVM is not a place for keys: ONTAP does not offer it here.
  if (!svm || mismatch || svm.kind === 'system') {
    throw ontapError(KM_ERRORS.svmNotFound, { target: ref.name !== undefined ? 'svm.name' : 'svm.uuid', values: { svm: ref.name ?? ref.uuid ?? '' } });
  }
  return svm;
}

function createOnboard(state: SecurityState, svm: Svm, onboard: Json): KeyManager {
  const passphrase = optionalString(onboard, 'passphrase', 'onboard.passphrase');
  const synchronize = optionalBoolean(onboard, 'synchronize', 'onboard.synchronize');
  const existingPassphrase = optionalString(onboard, 'existing_passphrase', 'onboard.existing_passphrase');
  const existing = state.keyManagerOf(svm);
  const metro = state.settings.metroCluster;
  if (svm.kind !== 'admin') throw ontapError(KM_ERRORS.onboardAdminOnly, { target: 'svm' });
  if (synchronize) {
    // Creating the onboard manager of a MetroCluster's second site with the first site's passphrase.
    if (existingPassphrase !== undefined) throw ontapError(KM_ERRORS.syncNoExistingPassphrase, { target: 'onboard.existing_passphrase' });
    if (passphrase === undefined) throw ontapError(KM_ERRORS.syncNeedsPassphrase, { target: 'onboard.passphrase' });
    if (!metro) throw ontapError(KM_ERRORS.syncNotMetroCluster);
    if (existing?.kind === 'onboard') throw ontapError(KM_ERRORS.syncAlreadyConfigured);
    if (metro.partnerKeyManager !== 'onboard') throw ontapError(KM_ERRORS.syncPartnerMissing);
  } else {
    if (existingPassphrase !== undefined)
      throw ontapError(ERRORS.unexpectedArgument, { target: 'onboard.existing_passphrase', detail: 'existing_passphrase is for PATCH only.' });
    if (existing?.kind === 'onboard') throw ontapError(KM_ERRORS.onboardAlreadyConfigured);
  }
  if (existing) throw ontapError(KM_ERRORS.alreadyConfigured, { target: 'svm' });
  if (passphrase === undefined || !PASSPHRASE.test(passphrase)) throw ontapError(KM_ERRORS.onboardPassphraseLength, { target: 'onboard.passphrase' });
  if (!synchronize && metro?.partnerKeyManager === 'onboard') throw ontapError(KM_ERRORS.onboardAtPartner);
  if (metro?.partnerKeyManager === 'external') throw ontapError(KM_ERRORS.onboardPartnerExternal);
  return { uuid: randomUUID(), svmUuid: svm.uuid, kind: 'onboard', passphrase, keyBackup: keyBackup(), serverCaCertificates: [], servers: [] };
}

function createExternal(state: SecurityState, svm: Svm, external: Json): KeyManager {
  const metro = state.settings.metroCluster;
  if (svm.kind === 'data') {
    // Multitenant key management: external managers per SVM came with ONTAP 9.6.
    const { generation, major } = state.cluster.version;
    if (generation < 9 || (generation === 9 && major < 6)) throw ontapError(KM_ERRORS.multitenantUnsupported, { target: 'svm' });
    if (metro) throw ontapError(KM_ERRORS.multitenantMetroCluster, { target: 'svm' });
  }
  if (state.keyManagerOf(svm)) throw ontapError(KM_ERRORS.alreadyConfigured, { target: 'svm' });
  if (metro?.partnerKeyManager === 'onboard') throw ontapError(KM_ERRORS.externalPartnerOnboard);

  const client = optionalRef(external, 'client_certificate');
  const serverCas = external.server_ca_certificates === undefined ? [] : array(external.server_ca_certificates, 'external.server_ca_certificates');
  const servers = external.servers === undefined ? [] : array(external.servers, 'external.servers');
  if (!client?.uuid || serverCas.length === 0 || servers.length === 0) throw ontapError(KM_ERRORS.externalIncomplete, { target: 'external' });
  const addresses = servers.map((entry, i) => {
    const path = `external.servers[${i}]`;
    const server = optionalString(allowOnly(object(entry, path), ['server'], path), 'server', `${path}.server`);
    if (!server) throw ontapError(KM_ERRORS.externalIncomplete, { target: `${path}.server` });
    return withPort(server);
  });
  if (addresses.length > MAX_KEY_SERVERS) throw ontapError(KM_ERRORS.maxKeyServers, { target: 'external.servers' });
  if (new Set(addresses).size !== addresses.length) throw ontapError(KM_ERRORS.duplicateServers, { target: 'external.servers' });

  const clientCertificate = installedCertificate(state, svm, client.uuid, 'client', 'external.client_certificate');
  const caCertificates = serverCas.map((entry, i) => {
    const path = `external.server_ca_certificates[${i}]`;
    const uuid = optionalString(allowOnly(object(entry, path), ['uuid', '_links'], path), 'uuid', `${path}.uuid`);
    if (!uuid) throw ontapError(KM_ERRORS.externalIncomplete, { target: path });
    return installedCertificate(state, svm, uuid, 'server_ca', path);
  });
  if (svm.kind === 'data' && svm.encryptedVolumes > 0 && state.keyManagerOf(state.adminSvm)) throw ontapError(KM_ERRORS.keysInClusterKm, { target: 'svm' });
  checkReachable(state, addresses);
  return {
    uuid: randomUUID(),
    svmUuid: svm.uuid,
    kind: 'external',
    clientCertificate: clientCertificate.uuid,
    serverCaCertificates: caCertificates.map((c) => c.uuid),
    servers: addresses.map((server) => ({ server, timeout: DEFAULT_TIMEOUT_S, username: '' })),
  };
}

/** PATCH /security/key-managers/{uuid}: onboard passphrase change or sync; external certificates. */
export function patchKeyManager(state: SecurityState, km: KeyManager, body: Json): void {
  allowOnly(body, ['onboard', 'external']);
  const onboard = optionalObject(body, 'onboard', ['passphrase', 'existing_passphrase', 'synchronize']);
  const external = optionalObject(body, 'external', ['client_certificate', 'server_ca_certificates']);
  if (onboard) {
    if (km.kind !== 'onboard') throw ontapError(ERRORS.invalidValue, { target: 'onboard', detail: 'The key manager is external.' });
    patchOnboard(km, onboard);
  }
  if (external) {
    if (km.kind !== 'external') throw ontapError(KM_ERRORS.externalNotEnabled, { target: 'external' });
    patchExternal(state, km, external);
  }
}

function patchOnboard(km: KeyManager, onboard: Json): void {
  const passphrase = optionalString(onboard, 'passphrase', 'onboard.passphrase');
  const existing = optionalString(onboard, 'existing_passphrase', 'onboard.existing_passphrase');
  if (optionalBoolean(onboard, 'synchronize', 'onboard.synchronize')) {
    if (passphrase !== undefined) throw ontapError(KM_ERRORS.syncNoPassphrase, { target: 'onboard.passphrase' });
    if (existing === undefined) throw ontapError(KM_ERRORS.syncNeedsExisting, { target: 'onboard.existing_passphrase' });
    if (existing !== km.passphrase) throw ontapError(KM_ERRORS.existingPassphraseMismatch, { target: 'onboard.existing_passphrase' });
    return;
  }
  if (passphrase === undefined || existing === undefined) throw ontapError(KM_ERRORS.updateNeedsBothPassphrases, { target: 'onboard' });
  if (existing !== km.passphrase) throw ontapError(KM_ERRORS.existingPassphraseMismatch, { target: 'onboard.existing_passphrase' });
  if (passphrase === existing) throw ontapError(KM_ERRORS.samePassphrase, { target: 'onboard.passphrase' });
  if (!PASSPHRASE.test(passphrase)) throw ontapError(KM_ERRORS.passphraseLength, { target: 'onboard.passphrase' });
  km.passphrase = passphrase;
  km.keyBackup = keyBackup();
}

function patchExternal(state: SecurityState, km: KeyManager, external: Json): void {
  const svm = state.requireSvm(km.svmUuid);
  const client = optionalRef(external, 'client_certificate');
  let clientUuid = km.clientCertificate;
  if (client) {
    const next = installedCertificate(state, svm, client.uuid ?? '', 'client', 'external.client_certificate');
    const current = km.clientCertificate ? state.certificate(km.clientCertificate) : undefined;
    if (current && current.publicKey !== next.publicKey) throw ontapError(KM_ERRORS.clientKeysDiffer, { target: 'external.client_certificate' });
    clientUuid = next.uuid;
  }
  let caUuids = km.serverCaCertificates;
  if (external.server_ca_certificates !== undefined) {
    const entries = array(external.server_ca_certificates, 'external.server_ca_certificates');
    if (entries.length === 0) throw ontapError(KM_ERRORS.externalIncomplete, { target: 'external.server_ca_certificates' });
    caUuids = entries.map((entry, i) => {
      const path = `external.server_ca_certificates[${i}]`;
      const uuid = optionalString(allowOnly(object(entry, path), ['uuid', '_links'], path), 'uuid', `${path}.uuid`) ?? '';
      return installedCertificate(state, svm, uuid, 'server_ca', path).uuid;
    });
  }
  km.clientCertificate = clientUuid;
  km.serverCaCertificates = caUuids;
}

/** DELETE /security/key-managers/{uuid}: refused while volumes are encrypted with its keys. */
export function deleteKeyManager(state: SecurityState, km: KeyManager): void {
  const svm = state.requireSvm(km.svmUuid);
  // The cluster's manager also holds the keys of data SVMs that have no manager of their own.
  const dependent = svm.kind === 'admin' ? state.svms.filter((s) => s.kind === 'data' && !state.keyManagerOf(s)) : [];
  const volumes = svm.encryptedVolumes + dependent.reduce((sum, s) => sum + s.encryptedVolumes, 0);
  if (volumes > 0) throw ontapError(km.kind === 'external' && svm.kind === 'data' ? KM_ERRORS.encryptedVolumesExternal : KM_ERRORS.encryptedVolumesOnboard);
  state.keyManagers.delete(km.uuid);
}

/** The manager of a key-servers call: external only. */
export function requireExternal(state: SecurityState, uuid: string): KeyManager {
  const km = requireKeyManager(state, uuid);
  if (km.kind !== 'external') throw ontapError(KM_ERRORS.externalNotEnabled, { target: 'uuid' });
  return km;
}

export function requireKeyServer(km: KeyManager, server: string): KeyServer {
  const found = km.servers.find((s) => s.server === withPort(server));
  if (!found) throw ontapError(KM_ERRORS.keyServerNotConfigured, { target: 'server' });
  return found;
}

/** POST /security/key-managers/{uuid}/key-servers: `server`, or `records` for several at once. */
export function addKeyServers(state: SecurityState, km: KeyManager, body: Json): KeyServer[] {
  allowOnly(body, ['server', 'records']);
  if (body.server !== undefined && body.records !== undefined)
    throw ontapError(ERRORS.invalidValue, { target: 'server', detail: '"server" is not valid with "records".' });
  const entries = body.records !== undefined ? array(body.records, 'records') : [body];
  const addresses = entries.map((entry, i) => {
    const path = body.records !== undefined ? `records[${i}]` : '';
    const server = optionalString(allowOnly(object(entry, path || 'body'), ['server'], path), 'server', path ? `${path}.server` : 'server');
    if (!server) throw ontapError(ERRORS.invalidValue, { target: path ? `${path}.server` : 'server', detail: 'A key server is required.' });
    return withPort(server);
  });
  const svm = state.requireSvm(km.svmUuid);
  if (svm.kind === 'data' && state.settings.metroCluster) throw ontapError(KM_ERRORS.multitenantMetroCluster);
  const all = [...km.servers.map((s) => s.server), ...addresses];
  if (new Set(all).size !== all.length) throw ontapError(KM_ERRORS.duplicateServers, { target: 'server' });
  if (all.length > MAX_KEY_SERVERS) throw ontapError(KM_ERRORS.maxKeyServers, { target: 'server' });
  checkReachable(state, addresses);
  const added = addresses.map((server) => ({ server, timeout: DEFAULT_TIMEOUT_S, username: '' }));
  km.servers.push(...added);
  return added;
}

/** PATCH .../key-servers/{server}: timeout, and KMIP credentials given as a pair. */
export function patchKeyServer(server: KeyServer, body: Json): void {
  allowOnly(body, ['timeout', 'username', 'password']);
  const timeout = optionalInteger(body, 'timeout', 1, 60);
  const username = optionalString(body, 'username');
  const password = optionalString(body, 'password');
  if (username !== undefined && password === undefined) throw ontapError(KM_ERRORS.missingPassword, { target: 'password' });
  if (password !== undefined && username === undefined && !server.username) throw ontapError(KM_ERRORS.missingUsername, { target: 'username' });
  if (timeout !== undefined) server.timeout = timeout;
  if (username !== undefined) server.username = username;
  if (password !== undefined) server.password = password;
}

/** DELETE .../key-servers/{server}: the last server holds keys no other server has. */
export function removeKeyServer(km: KeyManager, server: KeyServer): void {
  if (km.servers.length === 1) throw ontapError(KM_ERRORS.keyServerInUse, { target: 'server' });
  km.servers.splice(km.servers.indexOf(server), 1);
}

/** "If no port is provided, a default port of 5696 is used." */
export function withPort(server: string): string {
  if (/^\[[^\]]+\]:\d+$/.test(server) || /^[^:]+:\d+$/.test(server)) return server;
  return server.includes(':') ? `[${server}]:${DEFAULT_KMIP_PORT}` : `${server}:${DEFAULT_KMIP_PORT}`;
}

/** A certificate installed on the SVM, of the type the role needs (66060339 / 66060338 otherwise). */
function installedCertificate(state: SecurityState, svm: Svm, uuid: string, type: 'client' | 'server_ca', target: string): Certificate {
  const certificate = state.certificate(uuid);
  if (!certificate || certificate.svmUuid !== svm.uuid) throw ontapError(KM_ERRORS.certificateNotInstalled, { target });
  if (certificate.type !== type) throw ontapError(type === 'client' ? KM_ERRORS.badClientCertificate : KM_ERRORS.badServerCa, { target });
  return certificate;
}

function checkReachable(state: SecurityState, servers: string[]): void {
  const unreachable = servers.find((server) => !state.keyServerReachable(server));
  if (unreachable) throw ontapError(KM_ERRORS.keyServerNetwork, { target: 'server', detail: `Key server ${unreachable} did not answer.` });
}

function keyBackup(): string {
  return `-----BEGIN BACKUP-----\n${randomBytes(96).toString('base64')}\n-----END BACKUP-----\n`;
}
