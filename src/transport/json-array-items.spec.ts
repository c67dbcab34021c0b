import { describe, expect, it } from '@jest/globals';
import { JsonArrayItems } from './json-array-items.js';

/** Feeds `text` in chunks of `size` bytes and returns the items handed on. */
function items(text: string, size: number): unknown[] {
  const found: unknown[] = [];
  const splitter = new JsonArrayItems((item) => found.push(item));
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) splitter.write(bytes.subarray(i, i + size));
  splitter.end();
  return found;
}

describe('JsonArrayItems: the objects of a JSON array, as its bytes arrive', () => {
  const documents = [
    '[]',
    'null',
    ' [ {"a":"}{\\"[","b":[1,{"c":2}]} , {"x":"é\\u00e9 ✓"}]\n',
    JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ i, s: 'a"b\\c}{]['.repeat(i % 5), n: { d: [i, { e: null }] } }))),
  ];

  it.each(documents.flatMap((text) => [1, 2, 3, 7, 4096].map((size) => [text, size] as const)))(
    'hands on what JSON.parse reads in %j, fed %i bytes at a time',
    (text, size) => {
      expect(items(text, size)).toEqual(JSON.parse(text) ?? []);
    },
  );

  it.each([
    ['[{"a":1}', 'not a whole JSON array'],
    ['{"a":1}', 'not a whole JSON array'],
    ['', 'not a whole JSON array'],
    ['[1]', 'not an object'],
    ['[{"a":1}] x', 'text after the JSON array'],
    ['[{"a":}]', 'JSON'],
  ])('refuses %j', (text, message) => {
    expect(() => items(text, 3)).toThrow(message);
  });
});
