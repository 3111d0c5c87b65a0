/**
 * A fake AWS KMS speaking the JSON 1.1 protocol well enough for the real @aws-sdk/client-kms, so that the
 * KMS key provider is tested with the SDK's own serialisation, signing, retries and error parsing.
 *
 * Like KMS, a blob binds its key and the encryption context: AES-256-GCM under a secret of the key, blob =
 * key uuid (16) | nonce (12) | ciphertext | tag (16), additional data = the key uuid and the context in a
 * canonical form of our own (not the app's, so that a flaw there is not shared). A request must carry a SigV4
 * Authorization header (not verified: the secret is a test dummy). `trail` records each call as CloudTrail
 * does, with the key and the encryption context and never a plaintext.
 *
 * Keys are made and switched off through this object, not over HTTP. `down()` leaves every request
 * unanswered (a black-holed network path: the outage a client must not hang on), `slow(ms)` delays every
 * answer, `failWith()` answers every call with an error; `up()` ends all three.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ACCOUNT = '111122223333';
const ALGORITHM = 'SYMMETRIC_DEFAULT';
const DESCRIPTION = { KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: ALGORITHM, Origin: 'AWS_KMS', AWSAccountId: ACCOUNT };
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/kms\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

type Context = Record<string, string>;
type Body = Record<string, unknown>;

export interface TrailEntry {
  operation: string;
  /** The ARN of the key used: the destination key of a ReEncrypt. */
  keyId?: string;
  encryptionContext?: Context;
  sourceKeyId?: string;
  sourceEncryptionContext?: Context;
  /** The error answered, as CloudTrail's errorCode. */
  errorCode?: string;
}

interface FakeKey {
  readonly uuid: string;
  /** The uuid's 16 bytes in hex, as a blob starts with them. */
  readonly hex: string;
  readonly arn: string;
  readonly secret: Buffer;
  readonly created: number;
  state: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'Deleted';
}

/** An error as KMS answers it: HTTP 400 (or 5xx) and `__type` in a JSON body, which the SDK reads first. */
class KmsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export class FakeKms {
  /** Every call that reached an operation, oldest first. */
  readonly trail: Readonly<TrailEntry>[] = [];
  /** HTTP requests received, answered or not: how many attempts a client made. */
  requests = 0;
  #keys = new Map<string, FakeKey>();
  #down = false;
  #delayMs = 0;
  #failure: KmsError | undefined;
  #timers = new Set<NodeJS.Timeout>();

  /** A new enabled symmetric key; its ARN. */
  createKey(): string {
    const uuid = randomUUID();
    const hex = uuid.replaceAll('-', '');
    const arn = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/${uuid}`;
    this.#keys.set(hex, { uuid, hex, arn, secret: randomBytes(32), created: Date.now(), state: 'Enabled' });
    return arn;
  }

  disableKey(arn: string): void {
    this.#key(arn).state = 'Disabled';
  }

  enableKey(arn: string): void {
    this.#key(arn).state = 'Enabled';
  }

  scheduleDeletion(arn: string): void {
    this.#key(arn).state = 'PendingDeletion';
  }

  /** The end of the waiting period: the key and every blob under it are gone for good. */
  deleteKey(arn: string): void {
    const key = this.#key(arn);
    key.state = 'Deleted';
    key.secret.fill(0);
  }

  down(): void {
    this.#down = true;
  }

  slow(ms: number): void {
    this.#delayMs = ms;
  }

  /** Every call fails so, e.g. ('ThrottlingException') or ('KMSInternalException', 500). */
  failWith(type: string, status = 400): void {
    this.#failure = new KmsError(type, `injected ${type}`, status);
  }

  up(): void {
    this.#down = false;
    this.#delayMs = 0;
    this.#failure = undefined;
  }

  async start(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((req, res) => void this.#handle(req, res));
    await once(server.listen(0, '127.0.0.1'), 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        for (const timer of this.#timers) clearTimeout(timer);
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests++;
    res.on('error', () => {}); // a client that gave up: nothing to answer, nothing to crash on
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (this.#down) return; // never answered: the client's timeout has to end it
      if (this.#delayMs > 0) await new Promise((resolve) => this.#timers.add(setTimeout(resolve, this.#delayMs)));
      let status = 200;
      let answer: Body;
      try {
        answer = this.#dispatch(req, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        const error = e instanceof KmsError ? e : new KmsError('KMSInternalException', 'internal error', 500);
        [status, answer] = [error.status, { __type: error.type, message: error.message }];
      }
      if (req.socket.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(answer));
    } catch {
      req.socket.destroy();
    }
  }

  #dispatch(req: IncomingMessage, text: string): Body {
    if (req.method !== 'POST' || req.url !== '/') throw new KmsError('UnknownOperationException', 'POST / only');
    if (!SIGV4.test(req.headers.authorization ?? '')) {
      throw new KmsError('MissingAuthenticationTokenException', 'no SigV4 Authorization header');
    }
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
      throw new KmsError('SerializationException', 'Content-Type is not application/x-amz-json-1.1');
    }
    const operation = /^TrentService\.(\w+)$/.exec(String(req.headers['x-amz-target']))?.[1] ?? '';
    let body: Body;
    try {
      body = JSON.parse(text || '{}') as Body;
    } catch {
      throw new KmsError('SerializationException', 'the body is not JSON');
    }
    const entry: TrailEntry = { operation };
    this.trail.push(entry);
    try {
      if (this.#failure !== undefined) throw this.#failure;
      return this.#operate(operation, body, entry);
    } catch (e) {
      entry.errorCode = e instanceof KmsError ? e.type : 'KMSInternalException';
      throw e;
    }
  }

  #operate(operation: string, body: Body, entry: TrailEntry): Body {
    const context = (name: string): Context => {
      const value = body[name] ?? {};
      if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
        throw new KmsError('ValidationException', `${name} must map strings to strings`);
      }
      return value as Context;
    };
    const blob = (name: string) => Buffer.from(String(body[name] ?? ''), 'base64');
    switch (operation) {
      case 'GenerateDataKey':
      case 'Encrypt': {
        entry.encryptionContext = context('EncryptionContext');
        const key = this.#usable(body.KeyId);
        entry.keyId = key.arn;
        const size = body.KeySpec === 'AES_128' ? 16 : Number(body.NumberOfBytes ?? 32);
        const plaintext = operation === 'Encrypt' ? blob('Plaintext') : randomBytes(size);
        const CiphertextBlob = seal(key, plaintext, entry.encryptionContext).toString('base64');
        const Plaintext = operation === 'Encrypt' ? undefined : plaintext.toString('base64');
        return { CiphertextBlob, Plaintext, KeyId: key.arn, EncryptionAlgorithm: ALGORITHM };
      }
      case 'Decrypt': {
        entry.encryptionContext = context('EncryptionContext');
        const { key, plaintext } = this.#open(blob('CiphertextBlob'), body.KeyId, entry, 'keyId');
        return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: ALGORITHM };
      }
      case 'ReEncrypt': {
        entry.sourceEncryptionContext = context('SourceEncryptionContext');
        entry.encryptionContext = context('DestinationEncryptionContext');
        const source = this.#open(blob('CiphertextBlob'), body.SourceKeyId, entry, 'sourceKeyId');
        const key = this.#usable(body.DestinationKeyId);
        entry.keyId = key.arn;
        const CiphertextBlob = seal(key, source.plaintext, entry.encryptionContext).toString('base64');
        source.plaintext.fill(0);
        const algorithms = { SourceEncryptionAlgorithm: ALGORITHM, DestinationEncryptionAlgorithm: ALGORITHM };
        return { CiphertextBlob, SourceKeyId: source.key.arn, KeyId: key.arn, ...algorithms };
      }
      case 'DescribeKey': {
        const key = this.#key(String(body.KeyId ?? ''));
        entry.keyId = key.arn;
        const { uuid: KeyId, arn: Arn, state: KeyState, created } = key;
        const Enabled = KeyState === 'Enabled';
        return { KeyMetadata: { KeyId, Arn, KeyState, Enabled, CreationDate: created / 1000, ...DESCRIPTION } };
      }
      default:
        throw new KmsError('UnknownOperationException', `${operation || 'no operation'} is not supported here`);
    }
  }

  /** By key id, ARN or uuid; a deleted key is not found, as in KMS. */
  #key(id: string): FakeKey {
    const key = this.#keys.get(id.replace(/^arn:aws:kms:[^:]+:\d+:key\//, '').replaceAll('-', ''));
    if (key === undefined || key.state === 'Deleted') throw new KmsError('NotFoundException', `${id} does not exist`);
    return key;
  }

  /** A key that may be used now, as KMS checks before any cryptographic operation. */
  #usable(id: unknown): FakeKey {
    if (typeof id !== 'string') throw new KmsError('ValidationException', 'KeyId is required');
    const key = this.#key(id);
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion')
      throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    return key;
  }

  /**
   * Decrypts a blob under the context of `entry` (the source context for ReEncrypt): its key must be `keyId` if
   * given (else IncorrectKeyException) and usable. The key goes into the trail even if the context is wrong.
   */
  #open(blob: Buffer, keyId: unknown, entry: TrailEntry, field: 'keyId' | 'sourceKeyId') {
    const context = (field === 'keyId' ? entry.encryptionContext : entry.sourceEncryptionContext) ?? {};
    if (blob.length < 16 + 12 + 16) throw new KmsError('InvalidCiphertextException', 'too short');
    const hex = blob.subarray(0, 16).toString('hex');
    const named = keyId === undefined ? undefined : this.#usable(keyId);
    if (named !== undefined && named.hex !== hex) {
      throw new KmsError('IncorrectKeyException', 'the key id does not name the key of the ciphertext');
    }
    const key = named ?? this.#keys.get(hex);
    if (key === undefined || key.state === 'Deleted') throw new KmsError('InvalidCiphertextException', '');
    entry[field] = key.arn;
    this.#usable(key.arn);
    const decipher = createDecipheriv('aes-256-gcm', key.secret, blob.subarray(16, 28));
    decipher.setAAD(additionalData(key, context));
    decipher.setAuthTag(blob.subarray(-16));
    try {
      return { key, plaintext: Buffer.concat([decipher.update(blob.subarray(28, -16)), decipher.final()]) };
    } catch {
      throw new KmsError('InvalidCiphertextException', '');
    }
  }
}

function seal(key: FakeKey, plaintext: Buffer, context: Context): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.secret, nonce);
  cipher.setAAD(additionalData(key, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from(key.hex, 'hex'), nonce, body, cipher.getAuthTag()]);
}

/** Sorted pairs as JSON: the same whatever the order of the entries, and no two contexts alike. */
function additionalData(key: FakeKey, context: Context): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify([key.uuid, pairs]), 'utf8');
}
