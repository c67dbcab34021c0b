import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../config/gateway-config.js';
import { consoleCsp, consoleSettings } from './console-routes.js';

const base = { GATEWAY_ADMIN_TOKEN: 'x', GATEWAY_SANDBOX: 'true', REDIS_URL: 'redis://127.0.0.1:1' };

describe("the console's settings and policy", () => {
  it('offers the OIDC sign-in only with both the issuer and the client id', () => {
    expect(consoleSettings(loadConfig(base))).toEqual({ oidc: null });
    const oidc = { ...base, GATEWAY_OIDC_ISSUER: 'https://login.example.com/realms/a', GATEWAY_OIDC_AUDIENCE: 'gw' };
    expect(consoleSettings(loadConfig(oidc))).toEqual({ oidc: null });
    expect(consoleSettings(loadConfig({ ...oidc, GATEWAY_OIDC_CLIENT_ID: 'console' }))).toEqual({
      oidc: { issuer: 'https://login.example.com/realms/a', clientId: 'console' },
    });
    expect(() => loadConfig({ ...base, GATEWAY_OIDC_CLIENT_ID: 'console' })).toThrow(ConfigError);
  });

  it('allows scripts from the gateway only, and the issuer only for its calls', () => {
    const csp = consoleCsp({ oidc: { issuer: 'https://login.example.com/realms/a', clientId: 'console' } });
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'https://login.example.com']);
    expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
    expect(consoleCsp({ oidc: null })['connect-src']).toEqual(["'self'"]);
  });
});
