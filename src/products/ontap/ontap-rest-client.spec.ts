import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../../domain/cluster.js';
import type { ClusterHttp, HttpAnswer, HttpCall } from '../../transport/cluster-http.js';
import type { UpstreamError } from '../port.js';
import { OntapRestClient, PAGE_SIZE } from './ontap-rest-client.js';

const cluster = { id: 'ontap-east', product: 'ontap', auth: { username: 'u', password: 'p' } } as unknown as Cluster;
const answer = (status: number, body: unknown): HttpAnswer => ({ status, headers: {}, text: JSON.stringify(body) });

/** A transport that answers each call with what `answerOf` returns for it, and records the calls. */
function transport(answerOf: (call: HttpCall) => HttpAnswer): { http: ClusterHttp; calls: HttpCall[] } {
  const calls: HttpCall[] = [];
  const http = {
    call: async (_c: Cluster, call: HttpCall) => {
      calls.push(call);
      if (call.signal?.aborted) throw new Error('aborted');
      return answerOf(call);
    },
  } as unknown as ClusterHttp;
  return { http, calls };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as UpstreamError,
  );

describe('OntapRestClient collections', () => {
  it('reads every page by its next link, asking for max_records, until a page has none', async () => {
    const { http, calls } = transport((call) => {
      const start = Number(call.query?.['start.index'] ?? 0);
      const records = [{ n: start }, { n: start + 1 }];
      return answer(200, {
        records,
        num_records: 2,
        _links: start < 4 ? { next: { href: `/api/cluster/peers?fields=name&max_records=2&start.index=${start + 2}` } } : {},
      });
    });
    const records = await new OntapRestClient(http).collection<{ n: number }>(cluster, '/cluster/peers', { fields: 'name', max_records: '2' });
    expect(records.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(calls.map((c) => [c.path, c.query])).toEqual([
      ['/api/cluster/peers', { fields: 'name', max_records: '2' }],
      ['/api/cluster/peers', { fields: 'name', max_records: '2', 'start.index': '2' }],
      ['/api/cluster/peers', { fields: 'name', max_records: '2', 'start.index': '4' }],
    ]);
    expect(calls[0].headers?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('asks for pages of PAGE_SIZE when the query names no max_records', async () => {
    const { http, calls } = transport(() => answer(200, { records: [], num_records: 0 }));
    await new OntapRestClient(http).collection(cluster, '/svm/peers');
    expect(calls[0].query).toEqual({ max_records: String(PAGE_SIZE) });
  });

  it('fails as transient when a next link leads back to a page already read', async () => {
    const { http } = transport(() => answer(200, { records: [{}], _links: { next: { href: '/api/cluster/peers?start.index=1' } } }));
    const err = await failure(new OntapRestClient(http).collection(cluster, '/cluster/peers'));
    expect(err.kind).toBe('transient');
    expect(err.upstream.code).toBe('paging_loop');
  });
});

describe('OntapRestClient jobs', () => {
  const jobAnswer = answer(202, { job: { uuid: 'j1', _links: { self: { href: '/api/cluster/jobs/j1' } } } });

  it('follows a 202 job until it succeeds', async () => {
    let polls = 0;
    const { http, calls } = transport((call) => (call.method === 'POST' ? jobAnswer : answer(200, { state: ++polls < 3 ? 'running' : 'success' })));
    const done = await new OntapRestClient(http).call(cluster, { method: 'POST', path: '/cluster/peers', json: {} });
    expect(done.status).toBe(202);
    expect(calls.filter((c) => c.path === '/api/cluster/jobs/j1')).toHaveLength(3);
  });

  it('throws the classified failure of a job that fails', async () => {
    const { http } = transport((call) => (call.method === 'POST' ? jobAnswer : answer(200, { state: 'failure', error: { code: '1', message: 'refused' } })));
    const err = await failure(new OntapRestClient(http).call(cluster, { method: 'POST', path: '/cluster/peers', json: {} }));
    expect(err.upstream.message).toContain('refused');
  });

  it('stops following a job at its deadline with a transient failure', async () => {
    const { http } = transport((call) => (call.method === 'POST' ? jobAnswer : answer(200, { state: 'running' })));
    const err = await failure(new OntapRestClient(http).call(cluster, { method: 'POST', path: '/cluster/peers', json: {} }, { jobDeadlineMs: 120 }));
    expect(err.kind).toBe('transient');
    expect(err.upstream.code).toBe('job_deadline');
  });

  it('stops following a job at once when the process shuts down', async () => {
    const { http } = transport((call) => (call.method === 'POST' ? jobAnswer : answer(200, { state: 'running' })));
    const client = new OntapRestClient(http);
    const waiting = failure(client.call(cluster, { method: 'POST', path: '/cluster/peers', json: {} }));
    setTimeout(() => client.onApplicationShutdown(), 30);
    const err = await waiting;
    expect(err.kind).toBe('transient');
    expect(err.upstream.code).toBe('job_wait_aborted');
  });
});
