import { Select } from 'antd';
import { useTranslation } from 'react-i18next';

import { LANGUAGES, setLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select<Language>
      size="small"
      aria-label={t('language.label')}
      value={i18n.language as Language}
      onChange={setLanguage}
      options={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      style={{ width: 100 }}
    />
  );
}
