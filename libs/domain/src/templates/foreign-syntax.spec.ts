import { findForeignToken } from './foreign-syntax';

describe('findForeignToken', () => {
  it.each([
    ['https://x.example/pb?id=${SUBID}', '${SUBID}', 'SUBID'],
    ['https://x.example/pb?id=[clickid]', '[clickid]', 'clickid'],
    ['https://x.example/pb?id=[[subid]]', '[[subid]]', 'subid'],
    ['https://x.example/pb?id=#s2#', '#s2#', 's2'],
    ['https://x.example/pb?id=%visitor_id%', '%visitor_id%', 'visitor_id'],
    ['https://x.example/pb?id={{subid}}', '{{subid}}', 'subid'],
    ['https://x.example/pb?id=@@CLICK@@', '@@CLICK@@', 'CLICK'],
    ['https://x.example/pb?id=[CLICK_ID]&x=1', '[CLICK_ID]', 'CLICK_ID'],
  ])('finds the placeholder in %s', (source, token, name) => {
    expect(findForeignToken(source, 'forward-url')).toEqual({ token, name, index: source.indexOf(token) });
  });

  it.each([
    'https://x.example/pb?q=caf%C3%A9%20%E6%97%A5%E6%9C%AC&s={sub1}',
    'https://x.example/pb?q=%C3%A9t%C3%A9',
    'https://x.example/page#section',
    'https://x.example/pb?data[clickid]={ext_click_id}',
    'https://x.example/pb?a[b][c]=1',
    'http://[::1]:8080/pb',
    'https://x.example/pb?p=100%',
  ])('leaves %s alone', (source) => {
    expect(findForeignToken(source, 'forward-url')).toBeUndefined();
  });

  it('reads JSON arrays of keywords as JSON, not placeholders', () => {
    expect(findForeignToken('{"flags":[true],"x":[null],"y":[false]}', 'json-body')).toBeUndefined();
    expect(findForeignToken('{"id":"[clickid]"}', 'json-body')?.token).toBe('[clickid]');
  });

  it('stays linear on long runs of delimiters', () => {
    const source = '%'.repeat(50_000) + '['.repeat(50_000) + '#'.repeat(50_000);
    const started = Date.now();
    expect(findForeignToken(source, 'forward-url')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
