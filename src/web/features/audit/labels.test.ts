import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_ACTIONS } from '../../../server/audit/events.ts';
import de from '../../i18n/de.json' with { type: 'json' };
import en from '../../i18n/en.json' with { type: 'json' };

/** The audit viewer names every action the server records (two-factor and single-sign-on events included). */
test('every audit action has a label in German and English', () => {
  for (const [language, resources] of Object.entries({ de, en })) {
    const labels = resources.audit.action as Record<string, Record<string, unknown>>;
    const missing = AUDIT_ACTIONS.filter((action) => {
      const [group = '', name = ''] = action.split('.');
      return typeof labels[group]?.[name] !== 'string';
    });
    assert.deepEqual(missing, [], `${language}.json lacks audit.action labels for: ${missing.join(', ')}`);
  }
});
