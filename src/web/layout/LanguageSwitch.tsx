import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language, saveLanguage } from '../i18n/languages.ts';

/** Two toggle buttons, each named in its own language; the choice is kept in localStorage. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const choose = (language: Language) => {
    saveLanguage(language);
    void i18n.changeLanguage(language);
  };

  return (
    <fieldset className="language-switch">
      <legend className="visually-hidden">{t('language.label')}</legend>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="language-switch__option"
          aria-pressed={i18n.resolvedLanguage === language}
          onClick={() => choose(language)}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </fieldset>
  );
}
