import path from 'node:path';
import type { KeysConfig } from '../config.ts';
import { AwsKmsKeyProvider } from '../platform/crypto/aws-kms-key-provider.ts';
import type { KeyProvider } from '../platform/crypto/key-provider.ts';
import { LocalKeyProvider, MASTER_FILE } from '../platform/crypto/local-key-provider.ts';

/**
 * The key provider the configuration names (docs/security.md). The server makes the first master
 * key of a new installation (in the secrets directory only); the key commands never make one.
 */
export function openKeyProvider(
  config: KeysConfig,
  secretsDir: string,
  options: { create?: boolean } = {},
): KeyProvider {
  if (config.provider === 'local') {
    const named = config.masterKeysFile !== path.join(secretsDir, MASTER_FILE);
    return LocalKeyProvider.open(secretsDir, {
      file: config.masterKeysFile,
      create: (options.create ?? true) && !named,
    });
  }
  return new AwsKmsKeyProvider({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    keys: config.kmsKeys,
  });
}
