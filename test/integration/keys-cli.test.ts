import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import { openFieldText, sealedKeyId, sealField } from '../../src/server/platform/crypto/sealed-field.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';
import { migrate } from '../../src/server/platform/db/migrate.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import { runCli } from '../support/process.ts';

const CLI = path.resolve(import.meta.dirname, '../../src/server/keys/keys-cli.ts');

/** `npm run keys:<command>` as an operator runs it. */
const keysCli = (env: Record<string, string>, args: string[]) => runCli(CLI, env, args);

const place = { table: 'case_notes', column: 'text', rowId: randomUUID() };

describe('npm run keys:* on the embedded engine', () => {
  test('status, rotation (refused while the data is held), escrow and recovery into an empty secrets directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-keys-cli-'));
    const secrets = path.join(dir, 'secrets');
    const env = {
      TMA_DATA_DIR: path.join(dir, 'data'),
      TMA_SECRETS_DIR: secrets,
      TMA_AUDIT_DIR: path.join(dir, 'audit'),
    };
    const caseId = randomUUID();
    let note: Buffer;
    {
      const database = await openEmbedded({ dataDir: env.TMA_DATA_DIR });
      await migrate(database.db);
      const keys = new KeyRing(LocalKeyProvider.open(secrets), database.db);
      await keys.ensureSingletons();
      // The first search key, as a server makes it at start.
      await new SearchIndex(keys).prepare(database.db);
      note = sealField(await keys.createKey('case', caseId), 'Gefährdete Person: Erika Musterfrau', place);
      // Held, as a running server holds it: the commands refuse.
      const held = await keysCli(env, ['rotate']);
      assert.equal(held.code, 2);
      assert.match(held.err, /a running server holds the embedded database/);
      await database.close();
    }

    const status = await keysCli(env, ['status']);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /version 1: current, wraps 4 data key\(s\)/);
    assert.match(status.out, /data keys: 4 \(1 case, 1 index, 1 search, 1 system\)/);

    const rotated = await keysCli(env, ['rotate']);
    assert.equal(rotated.code, 0, rotated.err);
    assert.match(rotated.out, /new master version 2/);
    assert.match(rotated.out, /re-wrapped 4 data key\(s\) under version 2/);
    assert.match(rotated.err, /WARNING: no escrow export holds master version 2/);
    const after = JSON.parse((await keysCli(env, ['status', '--json'])).out);
    assert.equal(after.currentVersion, 2);
    assert.equal(after.oldestLiveEpoch, 2);
    assert.equal(after.epochs[0].state, 'retired');
    assert.match(after.epochs[0].destroyAfter, /^\d{4}-/);

    // The search key rotates on its own: a new generation, re-indexed by the servers' job.
    const search = await keysCli(env, ['rotate-search']);
    assert.equal(search.code, 0, search.err);
    assert.match(search.out, /search key generation 2 is current/);
    const twice = await keysCli(env, ['rotate-search']);
    assert.equal(twice.code, 2);
    assert.match(
      twice.err,
      /the search key is still rotating: generations 2, 1 are live until the re-indexing finishes/,
    );
    const rotating = await keysCli(env, ['status']);
    assert.match(
      rotating.out,
      /generation 2: current, made \S+, older generations being re-indexed; entries: none; person tokens: none/,
    );
    assert.match(rotating.out, /generation 1: retiring, made \S+; entries: none; person tokens: none/);
    assert.match(rotating.out, /data keys: 5 \(1 case, 1 index, 2 search, 1 system\)/);

    const escrowFile = path.join(dir, 'escrow.json');
    const passphraseFile = path.join(dir, 'passphrase');
    writeFileSync(passphraseFile, 'passwordpassword\n');
    const weak = await keysCli({ ...env, TMA_ESCROW_PASSPHRASE_FILE: passphraseFile }, ['escrow', '--out', escrowFile]);
    assert.equal(weak.code, 2);
    assert.match(weak.err, /At least 3 kinds of characters/);
    assert.ok(!existsSync(escrowFile), 'nothing half-written');

    writeFileSync(passphraseFile, 'Kessel-Wald 7 Brücken über der Spree\n');
    const masterFile = readFileSync(path.join(secrets, 'master-keys.json'), 'utf8');
    const escrow = await keysCli({ ...env, TMA_ESCROW_PASSPHRASE_FILE: passphraseFile }, [
      'escrow',
      '--out',
      escrowFile,
    ]);
    assert.equal(escrow.code, 0, escrow.err);
    assert.equal(statSync(escrowFile).mode & 0o777, 0o600);
    assert.doesNotMatch((await keysCli(env, ['status'])).err, /WARNING/, 'the escrow holds the current version');
    for (const v of JSON.parse(masterFile).versions) assert.ok(!readFileSync(escrowFile, 'utf8').includes(v.key));

    // The secrets directory is lost.
    rmSync(secrets, { recursive: true });
    const wrongFile = path.join(dir, 'wrong');
    writeFileSync(wrongFile, 'Kessel-Wald 7 Brücken über der Havel\n');
    const wrong = await keysCli({ ...env, TMA_ESCROW_PASSPHRASE_FILE: wrongFile }, ['recover', '--in', escrowFile]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /wrong passphrase, or the file was altered/);
    assert.ok(!existsSync(path.join(secrets, 'master-keys.json')), 'nothing half-written');

    const recovered = await keysCli({ ...env, TMA_ESCROW_PASSPHRASE_FILE: passphraseFile }, [
      'recover',
      '--in',
      escrowFile,
    ]);
    assert.equal(recovered.code, 0, recovered.err);
    assert.match(recovered.out, /master version\(s\) 1, 2/);
    assert.equal(readFileSync(path.join(secrets, 'master-keys.json'), 'utf8'), masterFile);
    const again = await keysCli({ ...env, TMA_ESCROW_PASSPHRASE_FILE: passphraseFile }, [
      'recover',
      '--in',
      escrowFile,
    ]);
    assert.equal(again.code, 2, 'never over an existing master key file');

    const database = await openEmbedded({ dataDir: env.TMA_DATA_DIR });
    try {
      const keys = new KeyRing(LocalKeyProvider.open(secrets), database.db);
      const key = await keys.keyById(sealedKeyId(note));
      assert.equal(openFieldText(key, note, place), 'Gefährdete Person: Erika Musterfrau', 'the data reads again');
    } finally {
      await database.close();
    }
  });

  test('escrow is for the local provider: with AWS KMS it says why it cannot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-keys-cli-'));
    const res = await keysCli(
      {
        TMA_DATA_DIR: path.join(dir, 'data'),
        TMA_SECRETS_DIR: path.join(dir, 'secrets'),
        TMA_AUDIT_DIR: path.join(dir, 'audit'),
        TMA_KEY_PROVIDER: 'aws-kms',
        TMA_KMS_REGION: 'eu-central-1',
        TMA_KMS_KEYS: '1=arn:aws:kms:eu-central-1:111122223333:key/00000000-0000-0000-0000-000000000001',
      },
      ['escrow', '--out', path.join(dir, 'escrow.json')],
    );
    assert.equal(res.code, 2);
    assert.match(res.err, /with AWS KMS, the master keys never leave KMS/);
  });
});
