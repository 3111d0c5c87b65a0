import { z } from 'zod';

/**
 * An id as the database writes it: lowercase. PostgreSQL reads an uppercase UUID as the same id,
 * but the services compare ids as strings (is this the caller themself? the same case twice?), so
 * an uppercase spelling of one's own id must not pass where the lowercase one is refused.
 */
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uuid = () => z.stringFormat('uuid', LOWERCASE_UUID, { error: 'must be an id (a UUID in lowercase)' });
