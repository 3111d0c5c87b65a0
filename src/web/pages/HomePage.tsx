import { useTranslation } from 'react-i18next';
import { HealthStatus } from '../health/HealthStatus.tsx';
import { useDocumentTitle } from '../layout/useDocumentTitle.ts';

export function HomePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('home.title'));

  return (
    <>
      <section className="intro" aria-labelledby="home-heading">
        <h1 id="home-heading">{t('home.heading')}</h1>
        <p className="intro__text">{t('home.intro')}</p>
      </section>
      <HealthStatus />
    </>
  );
}
