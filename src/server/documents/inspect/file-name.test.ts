import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentDisposition, MAX_NAME_CODE_POINTS, safeFileName } from './file-name.ts';

function cleaned(input: string): string {
  const result = safeFileName(input);
  assert.ok(result.ok, `${JSON.stringify(input)} was refused`);
  return result.name;
}

function refused(input: string): void {
  const result = safeFileName(input);
  assert.equal(result.ok, false, `${JSON.stringify(input)} was accepted`);
  if (!result.ok) assert.equal(result.reason, 'bad_name');
}

test('ordinary names pass unchanged, in NFC', () => {
  assert.equal(cleaned('Bericht 2024.pdf'), 'Bericht 2024.pdf');
  assert.equal(cleaned('Ärger im Büro.docx'), 'Ärger im Büro.docx');
  assert.equal(cleaned('A\u0308rger.txt'), 'Ärger.txt', 'decomposed umlauts are composed');
  assert.equal(cleaned('写真 👩‍💻.jpg'), '写真 👩‍💻.jpg', 'ZWJ sequences survive');
});

test('path separators: only the last component is kept, and nothing of a path is left', () => {
  assert.equal(cleaned('../../etc/passwd.txt'), 'passwd.txt');
  assert.equal(cleaned('C:\\Users\\erika\\Desktop\\Bericht.pdf'), 'Bericht.pdf');
  assert.equal(cleaned('\\\\server\\share\\a.csv'), 'a.csv');
  refused('../');
  refused('..');
  refused('dir/');
  refused('\\\\');
});

test('control characters, bidi overrides and isolates are dropped', () => {
  assert.equal(cleaned('Bericht\u0000\r\n\t.pdf'), 'Bericht.pdf');
  assert.equal(cleaned('a\u001b[31mred.txt'), 'a[31mred.txt');
  assert.equal(cleaned('a\u009bb.txt'), 'ab.txt');
  // "invoice<RLO>fdp.exe" shows as "invoiceexe.pdf".
  assert.equal(cleaned('invoice\u202efdp.exe'), 'invoicefdp.exe');
  assert.equal(cleaned('x\u2066y\u2069\u200f.pdf'), 'xy.pdf');
  refused('\u202e\u0000\u0007');
});

test('leading dots, trailing dots and spaces, Windows-forbidden characters and device names', () => {
  assert.equal(cleaned('.htaccess'), 'htaccess');
  assert.equal(cleaned('...hidden.txt'), 'hidden.txt');
  assert.equal(cleaned('report.pdf. . '), 'report.pdf');
  assert.equal(cleaned('a<b>c:d"e|f?g*h.txt'), 'a_b_c_d_e_f_g_h.txt');
  assert.equal(cleaned('CON'), '_CON');
  assert.equal(cleaned('con.txt'), '_con.txt');
  assert.equal(cleaned('Com1.tar.gz'), '_Com1.tar.gz');
  assert.equal(cleaned('LPT9 .pdf'), '_LPT9 .pdf');
  assert.equal(cleaned('console.txt'), 'console.txt');
  refused('');
  refused('   ');
  refused('. .');
});

test('a 1000-character name is cut to 200 code points, keeping its extension', () => {
  const long = `${'ä'.repeat(1000)}.docx`;
  const name = cleaned(long);
  assert.equal(Array.from(name).length, MAX_NAME_CODE_POINTS);
  assert.ok(name.endsWith('.docx'));
  const emoji = cleaned(`${'😀'.repeat(500)}.pdf`);
  assert.equal(Array.from(emoji).length, MAX_NAME_CODE_POINTS, 'code points, not UTF-16 units');
  assert.equal(emoji.toWellFormed(), emoji, 'no surrogate pair is split');
  const noExtension = cleaned(`${'x'.repeat(300)}.${'y'.repeat(50)}`);
  assert.equal(noExtension.length, MAX_NAME_CODE_POINTS);
  refused('a'.repeat(20_000));
});

test('cleaning is idempotent', () => {
  for (const input of ['../a/.b.pdf', 'CON', 'x\u202e.txt', `${'ß'.repeat(400)}.csv`, 'a . .']) {
    const once = cleaned(input);
    assert.equal(cleaned(once), once, JSON.stringify(input));
  }
});

test('lone surrogates are replaced, not passed on', () => {
  assert.equal(cleaned('a\ud800b.txt'), 'a\ufffdb.txt');
});

test('Content-Disposition: an ASCII fallback and the exact name, RFC 6266 / 8187', () => {
  assert.equal(
    contentDisposition('Ärger (Entwurf) 100%.pdf'),
    `attachment; filename="Arger (Entwurf) 100_.pdf"; filename*=UTF-8''%C3%84rger%20%28Entwurf%29%20100%25.pdf`,
  );
  assert.equal(
    contentDisposition("it's*.txt"),
    `attachment; filename="it's_.txt"; filename*=UTF-8''it%27s_.txt`,
    'the star was made safe first',
  );
  const header = contentDisposition('a"b\\c\r\nSet-Cookie: x=1.txt');
  assert.ok(!/[\r\n]/.test(header), 'no header injection');
  assert.match(header, /^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
  assert.equal(contentDisposition('../'), `attachment; filename="download"; filename*=UTF-8''download`);
  assert.match(contentDisposition('写真.jpg'), /filename="__\.jpg"; filename\*=UTF-8''%E5%86%99%E7%9C%9F\.jpg$/);
});
