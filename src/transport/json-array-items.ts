import { StringDecoder } from 'node:string_decoder';

/**
 * Hands on the items of a JSON array of objects one by one as its bytes arrive, so that a list of
 * 100,000 records never exists whole: neither its text nor its parsed array (a product's bulk
 * read of every peering record, bench/memory.bench.ts). A `null` document has no items. The split tracks strings
 * and escapes, so braces inside strings do not count; each item is parsed by JSON.parse, which
 * rejects what it rejects in a whole document. A failure (of the text, or of `onItem`) is kept and
 * thrown by `end`, so that a body being read is read to its end and fails as its parse, not as the
 * transfer carrying it.
 */
export class JsonArrayItems {
  private readonly decoder = new StringDecoder('utf8');
  /** 0 before the array, 1 between its items, deeper inside an item. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current item's text from earlier chunks. */
  private pending = '';
  private opened = false;
  private done = false;
  private rest = '';
  private failure: unknown;

  constructor(private readonly onItem: (item: unknown) => void) {}

  /** Never throws: what fails is kept for `end` and the rest of the text is skipped. */
  write(chunk: Buffer): void {
    if (this.failure !== undefined) return;
    try {
      this.scan(this.decoder.write(chunk));
    } catch (err) {
      this.failure = err;
    }
  }

  /** Throws what failed, or when the document was not a whole array (or null). */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    this.scan(this.decoder.end());
    if (!this.done && this.rest.trim() === 'null' && !this.opened) this.done = true;
    if (!this.done) throw new SyntaxError('the answer is not a whole JSON array');
  }

  private scan(text: string): void {
    let start = this.depth > 1 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === SPACE || c === TAB || c === LF || c === CR) continue;
      if (this.done) throw new SyntaxError('text after the JSON array');
      if (this.depth === 0) {
        if (c === OPEN_ARRAY && !this.rest.trim()) {
          this.depth = 1;
          this.opened = true;
        } else this.rest += text[i];
        continue;
      }
      if (this.depth === 1) {
        if (c === COMMA) continue;
        if (c === CLOSE_ARRAY) {
          this.depth = 0;
          this.done = true;
          continue;
        }
        if (c !== OPEN_OBJECT) throw new SyntaxError('an item of the JSON array is not an object');
        start = i;
        this.depth = 2;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 1) {
          const item = this.pending + text.slice(start, i + 1);
          this.pending = '';
          this.onItem(JSON.parse(item));
        }
      }
    }
    if (this.depth > 1) this.pending += text.slice(start);
  }
}

const [QUOTE, BACKSLASH, SPACE, TAB, LF, CR, COMMA] = ['"', '\\', ' ', '\t', '\n', '\r', ','].map((c) => c.charCodeAt(0));
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = ['[', ']', '{', '}'].map((c) => c.charCodeAt(0));
