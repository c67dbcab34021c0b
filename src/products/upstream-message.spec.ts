import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../domain/cluster.js';
import { classifyConsulAnswer } from './consul/consul-errors.js';
import { classifyOntapAnswer } from './ontap/ontap-errors.js';

const ontap = { id: 'ontap-east', product: 'ontap' } as Cluster;
const consul = { id: 'consul-dc1', product: 'consul' } as Cluster;
const PAGE = '<html><body>Internal page: AKIAIOSFODNN7EXAMPLE session=abc123</body></html>';

describe("upstream.message shows only the product's own error fields", () => {
  it('ONTAP: error.message, with error.code and error.target, and nothing else of the body', () => {
    const err = classifyOntapAnswer(ontap, {
      status: 400,
      headers: { 'content-type': 'application/hal+json' },
      text: JSON.stringify({ error: { code: '4656072', message: 'The name must conform.', target: 'name' }, leaked: 'AKIAIOSFODNN7EXAMPLE' }),
    });
    expect(err.upstream).toEqual({ product: 'ontap', cluster: 'ontap-east', status: 400, code: '4656072', message: 'The name must conform. (target: name)' });
  });

  it('ONTAP: an answer in another shape reads as its status, type and size', () => {
    for (const [type, text] of [
      ['text/html', PAGE],
      ['application/json', JSON.stringify({ credentials: 'AKIAIOSFODNN7EXAMPLE' })],
      ['application/json', JSON.stringify({ error: 'AKIAIOSFODNN7EXAMPLE' })],
    ]) {
      const err = classifyOntapAnswer(ontap, { status: 502, headers: { 'content-type': `${type}; charset=utf-8` }, text });
      expect(err.upstream.message).toBe(`unexpected answer (HTTP 502, ${type}, ${Buffer.byteLength(text)} bytes)`);
      expect(err.upstream.code).toBeNull();
      expect(JSON.stringify(err.toProblem())).not.toContain('AKIA');
      expect(err.kind).toBe('transient');
    }
    expect(classifyOntapAnswer(ontap, { status: 503, headers: {}, text: '' }).upstream.message).toBe('HTTP 503');
  });

  it('Consul: its plain-text error, capped; anything that is not plain text is not echoed', () => {
    const long = `rpc error: ${'x'.repeat(2000)}`;
    const capped = classifyConsulAnswer(consul, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, text: long });
    expect(capped.upstream.message.length).toBeLessThanOrEqual(500);
    expect(capped.upstream.message.startsWith('rpc error: xxx')).toBe(true);

    const html = classifyConsulAnswer(consul, { status: 502, headers: { 'content-type': 'text/html' }, text: PAGE });
    expect(html.upstream.message).toBe(`unexpected answer (HTTP 502, text/html, ${Buffer.byteLength(PAGE)} bytes)`);
    expect(html.kind).toBe('transient');
    const json = classifyConsulAnswer(consul, { status: 403, headers: { 'content-type': 'application/json' }, text: '{"secret":"AKIAIOSFODNN7EXAMPLE"}' });
    expect(json.upstream.message).toMatch(/^unexpected answer \(HTTP 403, application\/json, \d+ bytes\)$/);
  });
});
