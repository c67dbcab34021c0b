import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/gateway-config.js';
import { runsWorkers } from './worker-role.js';

describe('role check of the job runner', () => {
  it('runs workers in the worker and all roles', () => {
    expect(runsWorkers('worker')).toBe(true);
    expect(runsWorkers('all')).toBe(true);
  });

  it('never runs workers in the api role', () => {
    expect(runsWorkers('api')).toBe(false);
  });

  it('runs workers by default (GATEWAY_ROLE unset means all)', () => {
    expect(runsWorkers(loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_SANDBOX: 'true' }).role)).toBe(true);
    expect(runsWorkers(loadConfig({ GATEWAY_ADMIN_TOKEN: 't', GATEWAY_SANDBOX: 'true', GATEWAY_ROLE: 'api' }).role)).toBe(false);
  });
});
