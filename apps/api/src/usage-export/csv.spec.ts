import { csvField, csvRecord } from './csv';

describe('RFC 4180 records', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['GB-hour', 'GB-hour'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded ', ' padded '],
  ])('%j is written as %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('joins fields with commas and ends the record with CRLF', () => {
    expect(csvRecord(['2026-11-01T00:00:00.000Z', 'a,b', '1.5'])).toBe(
      '2026-11-01T00:00:00.000Z,"a,b",1.5\r\n',
    );
  });

  it('reads back with a strict RFC 4180 reader', () => {
    const fields = ['x', 'comma, inside', 'quote " inside', 'line\r\nbreak', ''];
    expect(parseRecord(csvRecord(fields))).toEqual(fields);
  });
});

/** A minimal strict RFC 4180 reader for one record (the test's independent check of the writer). */
function parseRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else if (i >= text.length) {
          throw new Error('unterminated quoted field');
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    fields.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i) !== '\r\n') throw new Error(`expected CRLF at ${i}: ${JSON.stringify(text.slice(i))}`);
    return fields;
  }
}
