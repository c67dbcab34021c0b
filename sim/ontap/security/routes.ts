import type { SimHandler, SimResponse, SimRouter } from '../../shared/http-server.js';
import type { OntapCluster } from '../cluster.js';
import { collectionAnswer, selectFields } from '../collection.js';
import { ERRORS, answeringErrors, ontapError } from '../errors.js';
import { parseBody } from '../peer-rules.js';
import { IPSEC_DEFAULT_FIELDS, IPSEC_PATH, createPolicy, ipsecHref, ipsecView, patchPolicy, requirePolicy } from './ipsec-policies.js';
import { type Json, returnRecords } from './json.js';
import {
  KEY_MANAGERS_PATH,
  KEY_MANAGER_DEFAULT_FIELDS,
  addKeyServers,
  createKeyManager,
  deleteKeyManager,
  expensiveFields,
  keyManagerHref,
  keyManagerView,
  keyServerView,
  patchKeyManager,
  patchKeyServer,
  removeKeyServer,
  requireExternal,
  requireKeyManager,
  requireKeyServer,
} from './key-managers.js';
import type { Certificate, SecurityState, Svm } from './state.js';

export interface SecurityApiContext {
  cluster: OntapCluster;
  credentials: { username: string; password: string };
}

/**
 * The security part of the simulated ONTAP REST API: `/api/security/key-managers` (with
 * `key-servers`), `/api/security/ipsec/policies`, and the read-only `/api/svm/svms` and
 * `/api/security/certificates` that the other two refer to.
 */
export function registerSecurityApi(router: SimRouter, ctx: SecurityApiContext): void {
  const state = ctx.cluster.security;
  const route = (method: string, path: string, handler: SimHandler): void => {
    router.add(method, path, authenticated(ctx.credentials, answeringErrors(handler)));
  };

  route('GET', KEY_MANAGERS_PATH, (req) => {
    const expensive = expensiveFields(req.query);
    const views = [...state.keyManagers.values()].map((km) => keyManagerView(state, km, expensive));
    return ok(collectionAnswer(KEY_MANAGERS_PATH, req.query, views, KEY_MANAGER_DEFAULT_FIELDS));
  });
  route('GET', `${KEY_MANAGERS_PATH}/:uuid`, (req) =>
    ok(selectFields(keyManagerView(state, requireKeyManager(state, req.params.uuid), expensiveFields(req.query)), req.query)),
  );
  route('POST', KEY_MANAGERS_PATH, (req) => {
    const km = createKeyManager(state, parseBody(req.body));
    return created(keyManagerHref(km.uuid), returnRecords(req.query) ? [keyManagerView(state, km, { status: false, connectivity: false })] : undefined);
  });
  route('PATCH', `${KEY_MANAGERS_PATH}/:uuid`, (req) => {
    patchKeyManager(state, requireKeyManager(state, req.params.uuid), parseBody(req.body));
    return ok({});
  });
  route('DELETE', `${KEY_MANAGERS_PATH}/:uuid`, (req) => {
    deleteKeyManager(state, requireKeyManager(state, req.params.uuid));
    return ok({});
  });

  const serversPath = `${KEY_MANAGERS_PATH}/:uuid/key-servers`;
  route('GET', serversPath, (req) => {
    const km = requireExternal(state, req.params.uuid);
    return ok(
      collectionAnswer(
        `${keyManagerHref(km.uuid)}/key-servers`,
        req.query,
        km.servers.map((server) => keyServerView(km, server)),
        ['server'],
      ),
    );
  });
  route('POST', serversPath, (req) => {
    const km = requireExternal(state, req.params.uuid);
    const added = addKeyServers(state, km, parseBody(req.body));
    const records = added.map((server) => selectFields(keyServerView(km, server), new URLSearchParams('fields=server')));
    return created(`${keyManagerHref(km.uuid)}/key-servers`, returnRecords(req.query) ? records : undefined);
  });
  route('GET', `${serversPath}/:server`, (req) => {
    const km = requireExternal(state, req.params.uuid);
    return ok(selectFields(keyServerView(km, requireKeyServer(km, req.params.server)), req.query));
  });
  route('PATCH', `${serversPath}/:server`, (req) => {
    const km = requireExternal(state, req.params.uuid);
    patchKeyServer(requireKeyServer(km, req.params.server), parseBody(req.body));
    return ok({});
  });
  route('DELETE', `${serversPath}/:server`, (req) => {
    const km = requireExternal(state, req.params.uuid);
    removeKeyServer(km, requireKeyServer(km, req.params.server));
    return ok({});
  });

  route('GET', IPSEC_PATH, (req) => {
    const views = [...state.ipsecPolicies.values()].map((policy) => ipsecView(state, policy));
    return ok(collectionAnswer(IPSEC_PATH, req.query, views, IPSEC_DEFAULT_FIELDS));
  });
  route('GET', `${IPSEC_PATH}/:uuid`, (req) => ok(selectFields(ipsecView(state, requirePolicy(state, req.params.uuid)), req.query)));
  route('POST', IPSEC_PATH, (req) => {
    const policy = createPolicy(state, parseBody(req.body));
    return created(ipsecHref(policy.uuid), returnRecords(req.query) ? [ipsecView(state, policy)] : undefined);
  });
  route('PATCH', `${IPSEC_PATH}/:uuid`, (req) => {
    patchPolicy(state, requirePolicy(state, req.params.uuid), parseBody(req.body));
    return ok({});
  });
  route('DELETE', `${IPSEC_PATH}/:uuid`, (req) => {
    state.ipsecPolicies.delete(requirePolicy(state, req.params.uuid).uuid);
    return ok({});
  });

  // /api/svm/svms lists data SVMs only, as on ONTAP.
  route('GET', '/api/svm/svms', (req) => ok(collectionAnswer('/api/svm/svms', req.query, dataSvms(state).map(svmView), ['name'])));
  route('GET', '/api/svm/svms/:uuid', (req) => {
    const svm = dataSvms(state).find((s) => s.uuid === req.params.uuid);
    if (!svm) throw ontapError(ERRORS.notFound, { target: 'uuid' });
    return ok(selectFields(svmView(svm), req.query));
  });
  route('GET', '/api/security/certificates', (req) => {
    const views = state.certificates.map((certificate) => certificateView(state, certificate));
    return ok(collectionAnswer('/api/security/certificates', req.query, views, ['name']));
  });
}

function dataSvms(state: SecurityState): Svm[] {
  return state.svms.filter((svm) => svm.kind === 'data');
}

function svmView(svm: Svm): Json {
  return {
    uuid: svm.uuid,
    name: svm.name,
    state: 'running',
    subtype: 'default',
    ipspace: { ...svm.ipspace },
    _links: { self: { href: `/api/svm/svms/${svm.uuid}` } },
  };
}

function certificateView(state: SecurityState, certificate: Certificate): Json {
  const svm = state.requireSvm(certificate.svmUuid);
  return {
    uuid: certificate.uuid,
    name: certificate.name,
    type: certificate.type,
    scope: svm.kind === 'admin' ? 'cluster' : 'svm',
    ...(svm.kind === 'admin' ? {} : { svm: { uuid: svm.uuid, name: svm.name } }),
    _links: { self: { href: `/api/security/certificates/${certificate.uuid}` } },
  };
}

/** HTTP basic auth on every API call; ONTAP answers 401 with its envelope and a challenge. */
function authenticated(credentials: SecurityApiContext['credentials'], handler: SimHandler): SimHandler {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return (req) => {
    if (req.headers.authorization === expected) return handler(req);
    const { status, body } = ontapError(ERRORS.notAuthorized).toResponse();
    return { status, body, headers: { 'www-authenticate': 'Basic realm="ONTAP"' } };
  };
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

/** 201 with the new record's location; the records only when `return_records=true`. */
function created(location: string, records?: Json[]): SimResponse {
  return { status: 201, headers: { location }, body: records ? { num_records: records.length, records } : {} };
}
