import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { intakeSettingsQuery } from './intake-api.ts';

/**
 * Shown the moment "someone is in danger right now" is chosen, before anything is sent: a report is read by
 * people, not by an emergency service. Should the configured numbers not load, 112 (the European emergency
 * number) stands in rather than showing no number at all.
 */
export function DangerNowAlert() {
  const { t } = useTranslation();
  const settings = useQuery(intakeSettingsQuery);
  const emergency = settings.data?.emergencyNumber ?? '112';
  const team = settings.data?.teamPhone ?? null;
  return (
    <div className="danger-now">
      <Alert tone="error" title={t('intake.danger.title')}>
        <p className="danger-now__call">
          {t('intake.danger.call')}{' '}
          <a className="danger-now__number" href={`tel:${emergency.replace(/\s+/g, '')}`}>
            {emergency}
          </a>
        </p>
        {team !== null && (
          <p>
            {t('intake.danger.team')}{' '}
            <a className="danger-now__team" href={`tel:${team.replace(/[^0-9+]/g, '')}`}>
              {team}
            </a>
          </p>
        )}
        <p>{t('intake.danger.then')}</p>
      </Alert>
    </div>
  );
}
