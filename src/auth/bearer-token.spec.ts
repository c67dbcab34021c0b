import { describe, expect, it } from '@jest/globals';
import { BearerTokens } from './bearer-token.js';

describe('BearerTokens', () => {
  const token = 'admin-token-0123456789';
  const tokens = new BearerTokens(token);

  it('matches the token and nothing else', () => {
    expect(tokens.matches(token)).toBe(true);
    expect(tokens.matches(`${token}x`)).toBe(false);
    expect(tokens.matches(token.slice(0, -1))).toBe(false);
    expect(tokens.matches(`${token}\0`)).toBe(false);
    expect(tokens.matches('')).toBe(false);
    expect(tokens.matches(token.toUpperCase())).toBe(false);
  });

  it('tells apart tokens that differ only beyond one byte per character', () => {
    const accented = new BearerTokens('tökén');
    expect(accented.matches('tökén')).toBe(true);
    // Same low bytes in Latin-1, other characters: must not match.
    expect(accented.matches('t\u01f6k\u01e9n')).toBe(false);
  });

  it('compares tokens longer than the padded width by their digests', () => {
    const long = 'a'.repeat(600);
    const longTokens = new BearerTokens(long);
    expect(longTokens.matches(long)).toBe(true);
    expect(longTokens.matches('a'.repeat(599))).toBe(false);
    expect(longTokens.matches(`${'a'.repeat(599)}b`)).toBe(false);
    // A candidate longer than the width against a short token, and one whose UTF-8 fills the width.
    expect(tokens.matches('a'.repeat(600))).toBe(false);
    expect(tokens.matches('é'.repeat(300))).toBe(false);
    const wide = 'é'.repeat(256);
    expect(new BearerTokens(wide).matches(wide)).toBe(true);
  });

  it('reads the token from an Authorization header', () => {
    expect(tokens.accepts(`Bearer ${token}`)).toBe(true);
    expect(tokens.accepts(`bearer  ${token} `)).toBe(true);
    expect(tokens.accepts(`Basic ${token}`)).toBe(false);
    expect(tokens.accepts(undefined)).toBe(false);
    expect(() => tokens.require('Bearer nope')).toThrow();
  });
});
