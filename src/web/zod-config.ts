import { z } from 'zod';

/**
 * Zod compiles fast parsers with new Function() unless told not to; its probe for that alone trips the
 * CSP (script-src 'self' forbids eval) and logs a violation. The interpreted parsers are fast enough here.
 */
z.config({ jitless: true });
