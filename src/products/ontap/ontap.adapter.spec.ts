import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../../domain/cluster.js';
import type { Peering } from '../../domain/peering.js';
import type { ClusterHttp, HttpAnswer, HttpCall } from '../../transport/cluster-http.js';
import { type SideContext, UpstreamError } from '../port.js';
import { OntapAdapter } from './ontap.adapter.js';
import { OntapRestClient } from './ontap-rest-client.js';

const cluster = { id: 'ontap-east', product: 'ontap', auth: { username: 'u', password: 'p' } } as unknown as Cluster;
const side: SideContext = {
  cluster,
  peering: { id: 'p1', name: 'far', local: { cluster: 'ontap-east' } } as unknown as Peering,
  counterpart: { addresses: ['10.9.0.1'] },
};
const networkError = () =>
  new UpstreamError('transient', {
    product: 'ontap',
    cluster: 'ontap-east',
    status: null,
    code: 'network_error',
    message: 'UND_ERR_SOCKET: other side closed',
  });
const ok = (body: unknown): HttpAnswer => ({ status: 200, headers: {}, text: JSON.stringify(body) });

/** A transport that answers from a script: one function per call, in order. */
function scripted(steps: ((call: HttpCall) => HttpAnswer)[]): { http: ClusterHttp; calls: HttpCall[] } {
  const calls: HttpCall[] = [];
  const http = {
    call: async (_c: Cluster, call: HttpCall) => {
      calls.push(call);
      const step = steps.shift();
      if (!step) throw new Error(`unexpected call ${call.method} ${call.path}`);
      return step(call);
    },
  } as unknown as ClusterHttp;
  return { http, calls };
}

describe('ONTAP create whose answer is lost on the network', () => {
  it('is a route failure when the cluster answers and holds no record', async () => {
    const { http, calls } = scripted([
      () => {
        throw networkError();
      },
      () => ok({ records: [] }),
    ]);
    const err = await new OntapAdapter(new OntapRestClient(http)).accept(side, 'secret-passphrase').then(
      () => null as unknown as UpstreamError,
      (e: unknown) => e as UpstreamError,
    );
    expect(err.kind).toBe('route-propagation');
    expect(err.remoteAddresses).toEqual(['10.9.0.1']);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  it('is done when the record was made after all (no second create)', async () => {
    const { http, calls } = scripted([
      () => {
        throw networkError();
      },
      () => ok({ records: [{ uuid: 'u1', name: 'far', remote: { ip_addresses: ['10.9.0.1'] }, status: { state: 'pending' } }] }),
    ]);
    await new OntapAdapter(new OntapRestClient(http)).accept(side, 'secret-passphrase');
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });

  it('stays a cluster outage when the cluster does not answer the look-up either', async () => {
    const { http } = scripted([
      () => {
        throw networkError();
      },
      () => {
        throw networkError();
      },
    ]);
    const err = await new OntapAdapter(new OntapRestClient(http)).accept(side, 'secret-passphrase').then(
      () => null as unknown as UpstreamError,
      (e: unknown) => e as UpstreamError,
    );
    expect(err.kind).toBe('transient');
  });
});
