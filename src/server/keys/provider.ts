import type { KeysConfig } from '../config.ts';
import { AwsKmsKeyProvider } from '../platform/crypto/aws-kms-key-provider.ts';
import type { KeyProvider } from '../platform/crypto/key-provider.ts';
import { LocalKeyProvider } from '../platform/crypto/local-key-provider.ts';

/** The key provider the configuration names (docs/security.md). */
export function openKeyProvider(config: KeysConfig, secretsDir: string): KeyProvider {
  if (config.provider === 'local') return LocalKeyProvider.open(secretsDir, { file: config.masterKeysFile });
  return new AwsKmsKeyProvider({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    keys: config.kmsKeys,
  });
}
