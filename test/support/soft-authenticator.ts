import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A software WebAuthn authenticator for integration tests without a browser: it makes ES256
 * credentials with "none" attestation and answers challenges exactly as a platform authenticator
 * would, byte for byte (CBOR, authenticator data, clientDataJSON). Browser tests use Chromium's
 * virtual authenticator instead. Flags let a test misbehave: skip user verification, answer for
 * another origin, or reuse a counter.
 */
interface Credential {
  readonly id: Buffer;
  readonly privateKey: KeyObject;
  readonly cose: Buffer;
  readonly rpId: string;
  readonly userHandle: string;
  counter: number;
}

export interface Ceremony {
  /** The origin the browser would report; defaults to the authenticator's origin. */
  readonly origin?: string;
  /** User verification (PIN, biometrics) performed; default true. */
  readonly uv?: boolean;
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

function cborHead(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(n, 1);
  return b;
}

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

/** The subset of CBOR (RFC 8949) that attestation objects and COSE keys use. */
function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? cborHead(0, v) : cborHead(1, -1 - v);
  if (typeof v === 'string') return Buffer.concat([cborHead(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (v instanceof Uint8Array) return Buffer.concat([cborHead(2, v.length), v]);
  return Buffer.concat([cborHead(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

function flags(uv: boolean, attested: boolean): number {
  // UP, UV, backup eligible + backed up (as a synced passkey), AT when a credential is attached
  return 0x01 | (uv ? 0x04 : 0) | 0x08 | 0x10 | (attested ? 0x40 : 0);
}

function counterBytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export class SoftAuthenticator {
  readonly origin: string;
  readonly credentials: Credential[] = [];

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Answers the options of navigator.credentials.create(). */
  create(options: Record<string, unknown>, ceremony: Ceremony = {}) {
    const rp = options.rp as { id: string };
    const user = options.user as { id: string };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
    const id = randomBytes(32);
    const credential: Credential = { id, privateKey, cose, rpId: rp.id, userHandle: user.id, counter: 0 };
    this.credentials.push(credential);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rp.id),
      Buffer.from([flags(ceremony.uv ?? true, true)]),
      counterBytes(0),
      Buffer.alloc(16),
      idLength,
      id,
      cose,
    ]);
    const clientData = this.clientData('webauthn.create', options.challenge as string, ceremony);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientData),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /**
   * Answers the options of navigator.credentials.get() with the given credential (default: the
   * first allowed one, or the first of this authenticator).
   */
  get(options: Record<string, unknown>, ceremony: Ceremony & { credential?: Credential; counter?: number } = {}) {
    const allowed = (options.allowCredentials as { id: string }[] | undefined)?.map((c) => c.id);
    const credential =
      ceremony.credential ??
      this.credentials.find((c) => allowed === undefined || allowed.includes(b64u(c.id))) ??
      this.credentials[0];
    if (credential === undefined) throw new Error('the soft authenticator holds no credential');
    credential.counter = ceremony.counter ?? credential.counter + 1;
    const authData = Buffer.concat([
      sha256(credential.rpId),
      Buffer.from([flags(ceremony.uv ?? true, false)]),
      counterBytes(credential.counter),
    ]);
    const clientData = this.clientData('webauthn.get', options.challenge as string, ceremony);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }

  private clientData(type: string, challenge: string, ceremony: Ceremony): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: ceremony.origin ?? this.origin, crossOrigin: false }));
  }
}
