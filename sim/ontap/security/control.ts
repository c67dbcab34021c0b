import type { SimRouter } from '../../shared/http-server.js';
import type { OntapCluster } from '../cluster.js';
import { ERRORS, answeringErrors, ontapError } from '../errors.js';
import { parseBody } from '../peer-rules.js';
import { keyManagerStatus, requireKeyManager, withPort } from './key-managers.js';
import { type Json, isObject, optionalBoolean, optionalInteger, optionalString } from './json.js';
import type { CertificateType, SecuritySettings } from './state.js';

const CERTIFICATE_TYPES: CertificateType[] = ['client', 'server', 'server_ca', 'client_ca', 'root_ca'];
const PARTNER_KEY_MANAGERS = ['none', 'onboard', 'external'];
const IPSEC_SUPPORT = ['supported', 'nodes-mixed', 'ecv-too-old'];

/**
 * The security part of the control surface under /_sim (no auth, no fault injection). Secrets
 * (onboard passphrases, IPsec pre-shared keys, key-server passwords) are never shown: only
 * whether one is set.
 * - GET|PUT /_sim/security            settings: metroCluster, platformEncryption, ipsecSupport,
 *                                     maxPoliciesPerSvm, maxPoliciesPerCluster, unreachableKeyServers
 * - GET /_sim/svms, POST /_sim/svms   SVMs; POST {name, ipspace?, encryptedVolumes?, migrating?} adds or changes a data SVM
 * - POST /_sim/certificates           {svm, type, name?, publicKey?}: installs a certificate
 * - GET /_sim/key-managers            the managers as stored, with the status they read
 * - PATCH /_sim/key-managers/{uuid}   {status: {code, message} | null}: makes one read another status
 * - GET /_sim/ipsec-policies          the policies as stored, with `secretKeySet` instead of the key
 */
export function registerSecurityControl(router: SimRouter, cluster: OntapCluster): void {
  const state = cluster.security;

  router.add('GET', '/_sim/security', () => ({ status: 200, body: state.settings }));
  router.add(
    'PUT',
    '/_sim/security',
    answeringErrors((req) => {
      Object.assign(state.settings, parseSettings(parseBody(req.body)));
      return { status: 200, body: state.settings };
    }),
  );

  router.add('GET', '/_sim/svms', () => ({ status: 200, body: state.svms }));
  router.add(
    'POST',
    '/_sim/svms',
    answeringErrors((req) => {
      const body = parseBody(req.body);
      const name = optionalString(body, 'name');
      if (!name) throw ontapError(ERRORS.invalidValue, { target: 'name' });
      const existing = state.svmByName(name);
      if (existing && existing.kind !== 'data') throw ontapError(ERRORS.invalidValue, { target: 'name', detail: `${name} is not a data SVM.` });
      const ipspace = optionalString(body, 'ipspace');
      if (ipspace !== undefined && !cluster.ipspaceByName(ipspace)) throw ontapError(ERRORS.invalidValue, { target: 'ipspace' });
      const svm = state.addSvm({ name, ipspace: ipspace ?? existing?.ipspace.name, encryptedVolumes: optionalInteger(body, 'encryptedVolumes', 0, 100_000) });
      svm.migrating = optionalBoolean(body, 'migrating') ?? svm.migrating;
      return { status: 200, body: svm };
    }),
  );

  router.add(
    'POST',
    '/_sim/certificates',
    answeringErrors((req) => {
      const body = parseBody(req.body);
      const svm = state.svmByName(optionalString(body, 'svm') ?? cluster.name);
      if (!svm) throw ontapError(ERRORS.invalidValue, { target: 'svm' });
      const type = optionalString(body, 'type') as CertificateType | undefined;
      if (!type || !CERTIFICATE_TYPES.includes(type))
        throw ontapError(ERRORS.invalidValue, { target: 'type', detail: `One of ${CERTIFICATE_TYPES.join(', ')}.` });
      const certificate = state.installCertificate(svm, type, optionalString(body, 'name'), optionalString(body, 'publicKey'));
      return { status: 201, body: certificate };
    }),
  );

  router.add('GET', '/_sim/key-managers', () => ({
    status: 200,
    body: [...state.keyManagers.values()].map(({ passphrase, keyBackup: _backup, servers, ...km }) => ({
      ...km,
      svm: state.requireSvm(km.svmUuid).name,
      passphraseSet: passphrase !== undefined,
      servers: servers.map(({ password, ...server }) => ({
        ...server,
        passwordSet: password !== undefined,
        reachable: state.keyServerReachable(server.server),
      })),
      status: keyManagerStatus(state, { ...km, servers, passphrase }),
    })),
  }));
  router.add(
    'PATCH',
    '/_sim/key-managers/:uuid',
    answeringErrors((req) => {
      const km = requireKeyManager(state, req.params.uuid);
      const { status } = parseBody(req.body);
      if (status === null) km.statusOverride = undefined;
      else if (isObject(status) && typeof status.code === 'number' && typeof status.message === 'string')
        km.statusOverride = { code: status.code, message: status.message };
      else throw ontapError(ERRORS.invalidValue, { target: 'status', detail: 'status must be {code, message} or null.' });
      return { status: 200, body: keyManagerStatus(state, km) };
    }),
  );

  router.add('GET', '/_sim/ipsec-policies', () => ({
    status: 200,
    body: [...state.ipsecPolicies.values()].map(({ secretKey, ...policy }) => ({
      ...policy,
      svm: state.requireSvm(policy.svmUuid).name,
      secretKeySet: secretKey !== undefined,
    })),
  }));
}

function parseSettings(input: Json): Partial<SecuritySettings> {
  const out: Partial<SecuritySettings> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'metroCluster':
        if (value !== null && !(isObject(value) && PARTNER_KEY_MANAGERS.includes(value.partnerKeyManager as string))) {
          throw ontapError(ERRORS.invalidValue, { target: key, detail: `null or {partnerKeyManager: ${PARTNER_KEY_MANAGERS.join('|')}}.` });
        }
        out.metroCluster = value === null ? null : { partnerKeyManager: (value as Json).partnerKeyManager as 'none' };
        break;
      case 'platformEncryption':
        out.platformEncryption = optionalBoolean(input, key) as boolean;
        break;
      case 'ipsecSupport':
        if (!IPSEC_SUPPORT.includes(value as string)) throw ontapError(ERRORS.invalidValue, { target: key, detail: `One of ${IPSEC_SUPPORT.join(', ')}.` });
        out.ipsecSupport = value as SecuritySettings['ipsecSupport'];
        break;
      case 'maxPoliciesPerSvm':
      case 'maxPoliciesPerCluster':
        out[key] = optionalInteger(input, key, 0, 1_000_000) as number;
        break;
      case 'unreachableKeyServers':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw ontapError(ERRORS.invalidValue, { target: key });
        out.unreachableKeyServers = (value as string[]).map(withPort);
        break;
      default:
        throw ontapError(ERRORS.unexpectedArgument, { target: key });
    }
  }
  return out;
}
