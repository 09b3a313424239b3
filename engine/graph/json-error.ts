/**
 * Where JSON text goes wrong, found without recursion: a file of 100,000 unclosed brackets is as
 * easy to describe as a missing comma. jsonc-parser's scanner gives the tokens (it is a loop over
 * characters); the nesting is an explicit stack here, where jsonc-parser's parser would recurse
 * once per level and overflow the call stack.
 */
import { createScanner, type ScanError, type SyntaxKind } from 'jsonc-parser';

// jsonc-parser declares these as const enums, which a module compiled on its own cannot read;
// these are the library's values.
const Token = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  Colon: 6,
  Null: 7,
  True: 8,
  False: 9,
  String: 10,
  Number: 11,
  LineComment: 12,
  BlockComment: 13,
  EOF: 17,
} as const satisfies Record<string, SyntaxKind>;

const SCAN_PROBLEMS: Readonly<Record<number, string>> = {
  1: 'unterminated comment',
  2: 'unterminated string',
  3: 'incomplete number',
  4: 'invalid \\u escape in a string',
  5: 'invalid escape in a string',
  6: 'invalid character in a string',
} satisfies Partial<Record<ScanError, string>>;

export interface JsonSyntaxError {
  readonly offset: number;
  readonly length: number;
  readonly problem: string;
}

const isScalar = (t: number) => t === Token.Null || t === Token.True || t === Token.False || t === Token.String || t === Token.Number;

/** What the next token may be. */
type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

/** The first syntax error of strict JSON `text` (no comments, no trailing commas), or undefined when it is valid. */
export function firstJsonError(text: string): JsonSyntaxError | undefined {
  const scanner = createScanner(text, true);
  /** true: an object, false: an array; one entry per open bracket. */
  const open: boolean[] = [];
  let expect: Expect = 'value';
  const at = (problem: string): JsonSyntaxError => ({ offset: scanner.getTokenOffset(), length: scanner.getTokenLength(), problem });
  const afterValue = (): Expect => (open.length === 0 ? 'end' : 'commaOrClose');
  for (;;) {
    const token: number = scanner.scan();
    const scanError: number = scanner.getTokenError();
    if (scanError !== 0) return at(SCAN_PROBLEMS[scanError] ?? 'invalid token');
    if (token === Token.LineComment || token === Token.BlockComment) return at('comments are not allowed in JSON');
    if (token === Token.EOF) return expect === 'end' ? undefined : at('unexpected end of text');
    switch (expect) {
      case 'valueOrClose':
      case 'value':
        if (expect === 'valueOrClose' && token === Token.CloseBracket) {
          open.pop();
          expect = afterValue();
        } else if (token === Token.OpenBracket) {
          open.push(false);
          expect = 'valueOrClose';
        } else if (token === Token.OpenBrace) {
          open.push(true);
          expect = 'keyOrClose';
        } else if (isScalar(token)) expect = afterValue();
        else return at('expected a value');
        break;
      case 'keyOrClose':
      case 'key':
        if (expect === 'keyOrClose' && token === Token.CloseBrace) {
          open.pop();
          expect = afterValue();
        } else if (token === Token.String) expect = 'colon';
        else return at('expected a property name in double quotes');
        break;
      case 'colon':
        if (token !== Token.Colon) return at('expected a colon');
        expect = 'value';
        break;
      case 'commaOrClose': {
        const inObject = open[open.length - 1];
        if (token === Token.Comma) expect = inObject ? 'key' : 'value';
        else if (token === (inObject ? Token.CloseBrace : Token.CloseBracket)) {
          open.pop();
          expect = afterValue();
        } else return at(isScalar(token) || token === Token.OpenBrace || token === Token.OpenBracket ? 'expected a comma' : inObject ? 'expected }' : 'expected ]');
        break;
      }
      case 'end':
        return at('unexpected text after the end of the document');
    }
  }
}
