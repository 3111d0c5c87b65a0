/**
 * A throwaway certificate authority made in-process (WebCrypto + @peculiar/x509), so that tests can run a real
 * HTTPS identity provider without the openssl CLI, fixture keys in the repository, or anything downloaded: the
 * relying party is then tested with certificate verification ON, trusting only this CA, as in production.
 */
import { createHash, webcrypto } from 'node:crypto';
// @peculiar/x509 needs a Reflect metadata polyfill loaded first (its README); reflect-metadata comes with
// @simplewebauthn/server, which uses @peculiar/x509 too.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface TestCertificates {
  /** The CA certificate (PEM): what a client must trust. */
  caPem: string;
  /** The server certificate (PEM), signed by the CA, for `localhost` and 127.0.0.1. */
  certPem: string;
  /** The server's private key (PKCS#8 PEM). */
  keyPem: string;
  /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  spkiHash: string;
}

const EC: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export async function createTestCertificates(): Promise<TestCertificates> {
  const crypto = webcrypto as Crypto;
  x509.cryptoProvider.set(crypto);
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
  const caKeys = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=TMA test CA (throwaway)',
    keys: caKeys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await crypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const server = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: server.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    spkiHash: createHash('sha256').update(Buffer.from(server.publicKey.rawData)).digest('base64'),
  };
}

/** The relying party's own fetch for the IdP, trusting exactly the test CA (as TMA_OIDC_CA_FILE does). */
export { fetchTrusting, type IdpFetch as TrustingFetch } from '../../src/server/access/sso/idp-fetch.ts';
