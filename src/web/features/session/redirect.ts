/**
 * Where to go after signing in: only a path of this app. Anything else (another origin, "//host", the
 * sign-in pages themselves, such as the code page) falls back to the start page of the role.
 */
export function safeRedirect(target: unknown): string | undefined {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.includes('\\'))
    return undefined;
  if (/^\/sign-in(?:[/?#]|$)/.test(target)) return undefined;
  return target.length <= 2048 ? target : undefined;
}
