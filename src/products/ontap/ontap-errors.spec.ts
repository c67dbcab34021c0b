import { describe, expect, it } from '@jest/globals';
import type { Cluster } from '../../domain/cluster.js';
import { toNativeSide } from './ontap.adapter.js';
import { classifyOntapAnswer, isRouteFailure } from './ontap-errors.js';

const cluster = { id: 'ontap-east', product: 'ontap' } as Cluster;
const REMOTE = ['10.2.0.11', '10.2.0.12'];
const ontapAnswer = (status: number, code: string, message: string, target?: string) => ({
  status,
  headers: {},
  text: JSON.stringify({ error: { code, message, ...(target ? { target } : {}) } }),
});
const create = (status: number, code: string, message: string, target?: string) =>
  classifyOntapAnswer(cluster, ontapAnswer(status, code, message, target), REMOTE);

describe("ONTAP route propagation, recognised by what a create's failure says, whatever its code", () => {
  it.each<[string, number, string, string, string | undefined]>([
    ['a code of its own with target remote.ip_addresses', 400, '9999001', 'Operation failed.', 'remote.ip_addresses'],
    ['no target, a message that the peer cannot be contacted', 400, '9999002', 'Failed to contact peer cluster "west". RPC: Remote system error', undefined],
    ['the nearest public code, 262224', 500, '262224', 'Failed to contact peer cluster. RPC: Remote system error - No route to host', undefined],
    ['unreachable', 400, '9999003', 'Remote intercluster addresses are unreachable.', undefined],
    ['cannot be reached', 400, '5000001', 'The remote cluster cannot be reached from this cluster.', undefined],
    ['could not connect', 400, '9999004', 'Could not connect to any of the remote addresses.', undefined],
    ['timed out', 400, '9999005', 'Contacting the remote cluster timed out.', undefined],
    ['ONTAP code 2 with a contact failure', 500, '2', 'Internal error. Cannot reach the remote cluster.', undefined],
    [
      "the simulator's 4656104 (still fine, not needed)",
      400,
      '4656104',
      'Cannot reach any of the remote intercluster addresses 10.2.0.11 from IPspace "Default".',
      undefined,
    ],
  ])('%s', (_, status, code, message, target) => {
    const err = create(status, code, message, target);
    expect(err.kind).toBe('route-propagation');
    expect(err.gatewayCode).toBe('upstream_unavailable');
    expect(err.remoteAddresses).toEqual(REMOTE);
    expect(err.summary).toContain('10.2.0.11, 10.2.0.12');
    // ONTAP's own fields only: the message, with the target beside it when there is one.
    expect(err.upstream).toMatchObject({ code, message: target ? `${message} (target: ${target})` : message, status });
  });

  it('outside a create, the same words are not a route window (the queue backs off, or it is final)', () => {
    expect(classifyOntapAnswer(cluster, ontapAnswer(400, '9999002', 'Failed to contact peer cluster')).kind).toBe('final');
    expect(classifyOntapAnswer(cluster, ontapAnswer(500, '262224', 'Failed to contact peer cluster')).kind).toBe('transient');
  });

  it('documented codes keep their documented meaning even when they name the remote addresses', () => {
    expect(isRouteFailure({ code: '4656076', message: 'mismatched IPv4 and IPv6 addresses', target: 'remote.ip_addresses' })).toBe(false);
    expect(isRouteFailure({ code: '4656092', message: 'a host name that did not resolve', target: 'remote.ip_addresses' })).toBe(false);
    expect(create(400, '4656106', 'Authentication with the remote cluster failed').kind).toBe('secret-rejected');
    expect(create(409, '4656105', 'already exists or is pending').kind).toBe('final');
    expect(create(400, '4656072', 'The name must conform').kind).toBe('final');
  });

  it('a create failure that says nothing about the remote is not route propagation', () => {
    expect(create(500, '2', 'Internal error.').kind).toBe('transient');
    expect(create(400, '262185', 'Invalid value.', 'authentication.expiry_time').kind).toBe('final');
  });
});

describe('ONTAP health: available counts only with authentication ok', () => {
  const record = (state: string, auth?: string) => ({ uuid: 'u', name: 'west', status: { state }, ...(auth ? { authentication: { state: auth } } : {}) });

  it('available + ok is active', () => {
    expect(toNativeSide(record('available', 'ok')).health).toBe('active');
  });

  it('available + pending is still establishing, and says why', () => {
    const side = toNativeSide(record('available', 'pending'));
    expect(side.health).toBe('establishing');
    expect(side.detail).toMatch(/authentication is pending/);
  });

  it('available + problem is degraded, and says what to do', () => {
    const side = toNativeSide(record('available', 'problem'));
    expect(side.health).toBe('degraded');
    expect(side.detail).toMatch(/authentication has a problem.*rotate the passphrase/);
  });

  it('available + absent is not active either', () => {
    expect(toNativeSide(record('available', 'absent')).health).toBe('degraded');
  });

  it('other states keep their meaning', () => {
    expect(toNativeSide(record('pending', 'pending')).health).toBe('pending');
    expect(toNativeSide(record('unavailable', 'ok')).health).toBe('degraded');
  });
});
