import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { FAST, masterFile, PASSPHRASE, refused, tempDir } from '../../../../test/support/escrow.ts';
import { openEscrow, PASSPHRASE_RULES, passphraseProblems, readPassphrase, sealEscrow } from './escrow.ts';

/** The recovery passphrase: its rules, its normalisation, and how it is read. */
test('weak passphrases are refused, each with the rule it breaks; good ones pass', async () => {
  const [length, distinct, classes, bits, pattern] = PASSPHRASE_RULES;
  const table: [string, (string | undefined)[]][] = [
    ['short', [length, distinct, classes, bits]],
    ['aaaaaaaaaaaaaaaaaaaa', [distinct, classes, pattern]],
    ['abcabcabcabcabcabcabc', [distinct, classes, pattern]],
    ['passwordpassword', [distinct, classes, bits, pattern]],
    ['qwmnzxcvbnlkjhgf', [classes, bits]],
    ['392817465019283746501928', [bits]],
    ['Ab1!Ab1!Ab1!Ab1!Ab1!', [distinct, pattern]],
    ['', [length, distinct, classes, bits]],
  ];
  const { text } = masterFile();
  for (const [passphrase, rules] of table) {
    assert.deepEqual(passphraseProblems(passphrase), rules, passphrase);
    const error = await refused(sealEscrow(text, passphrase, { kdf: FAST }), 'weak_passphrase');
    assert.deepEqual(error.rules, rules);
    if (passphrase.length > 4) assert.ok(!error.message.includes(passphrase));
  }
  for (const good of [
    PASSPHRASE,
    'Tr0ub4dor&3-Kessel-Wald',
    'Grüße aus dem Schwarzwald',
    '3925817465019283746501928',
  ]) {
    assert.deepEqual(passphraseProblems(good), [], good);
  }
  assert.equal(PASSPHRASE_RULES.length, 5);
});

test('code points after NFC: ü typed as u + combining diaeresis opens what precomposed ü sealed', async () => {
  const composed = 'Grüße aus dem Schwarzwald';
  const decomposed = composed.normalize('NFD');
  assert.notEqual(decomposed, composed);
  assert.deepEqual(
    passphraseProblems(`${'ü'.normalize('NFD').repeat(8)}abcdefgh`),
    passphraseProblems(`${'ü'.repeat(8)}abcdefgh`),
  );
  const { text } = masterFile();
  const escrow = await sealEscrow(text, composed, { kdf: FAST });
  assert.equal(await openEscrow(escrow, decomposed), text);
});

test('readPassphrase: from the file named by TMA_ESCROW_PASSPHRASE_FILE, from the first line of a pipe', async () => {
  const file = path.join(tempDir(), 'passphrase');
  writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
  assert.equal(await readPassphrase({ env: { TMA_ESCROW_PASSPHRASE_FILE: file } }), PASSPHRASE);
  writeFileSync(file, `  ${PASSPHRASE}  \r\n`);
  assert.equal(
    await readPassphrase({ env: { TMA_ESCROW_PASSPHRASE_FILE: file } }),
    `  ${PASSPHRASE}  `,
    'only the newline',
  );
  const env = {};
  assert.equal(await readPassphrase({ env, input: Readable.from([`${PASSPHRASE}\nsecond line\n`]) }), PASSPHRASE);
  assert.equal(await readPassphrase({ env, input: Readable.from(['no newline at the end']) }), 'no newline at the end');
  await refused(readPassphrase({ env, input: Readable.from([]) }), 'no_passphrase');
});

/** A stand-in terminal: readline switches it to raw mode and does its own echo, to the muted stream. */
function terminal(): { input: PassThrough; output: PassThrough; shown: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk) => {
    shown += String(chunk);
  });
  return { input, output, shown: () => shown };
}

test('readPassphrase on a terminal: prompts without echo, and asks twice when confirming', async () => {
  const env = {};
  const once = terminal();
  const read = readPassphrase({ env, input: once.input, output: once.output });
  once.input.write(`${PASSPHRASE}\r`);
  assert.equal(await read, PASSPHRASE);
  assert.match(once.shown(), /passphrase/i);
  assert.ok(!once.shown().includes('horse'), 'no echo');

  const twice = terminal();
  const confirmed = readPassphrase({ env, input: twice.input, output: twice.output, confirm: true });
  twice.input.write(`${PASSPHRASE}\r`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  twice.input.write(`${PASSPHRASE.normalize('NFD')}\r`);
  assert.equal(await confirmed, PASSPHRASE);

  const differ = terminal();
  const mismatch = readPassphrase({ env, input: differ.input, output: differ.output, confirm: true });
  differ.input.write(`${PASSPHRASE}\r`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  differ.input.write('something else entirely\r');
  await refused(mismatch, 'passphrase_mismatch', PASSPHRASE);
  assert.ok(!differ.shown().includes('horse') && !differ.shown().includes('entirely'));
});
