import { KeyProviderError } from './key-provider.ts';
import { MissingKeyError } from './key-ring.ts';
import { SealedFieldError } from './sealed-field.ts';

/**
 * A value that cannot be opened (its key shredded, its bytes tampered with) shown as unreadable,
 * so that one bad row does not take a whole list or export down; a key provider that cannot be
 * reached still fails the request (503).
 */
export async function unlessUnreadable<T>(opening: Promise<T>): Promise<T | null> {
  try {
    return await opening;
  } catch (error) {
    if (error instanceof KeyProviderError && error.problem === 'unavailable') throw error;
    if (error instanceof MissingKeyError || error instanceof SealedFieldError || error instanceof KeyProviderError) {
      return null;
    }
    throw error;
  }
}
