import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

import { common } from './common';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'wxop.console.language';

export function storedLanguage(): Language {
  const value = localStorage.getItem(KEY);
  return value === 'en' ? 'en' : 'zh-CN';
}

export function setLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
  document.documentElement.lang = language;
  void i18next.changeLanguage(language);
}

/** Messages of one namespace (a page) in both languages; the English keys must match the Chinese ones. */
export type Messages<T extends Record<string, unknown>> = { 'zh-CN': T; en: T };

/** Registers a page's messages under its namespace (each page owns its messages). */
export function addMessages<T extends Record<string, unknown>>(
  namespace: string,
  messages: Messages<T>,
): void {
  for (const language of LANGUAGES)
    i18next.addResourceBundle(language, namespace, messages[language], true, true);
}

const resources: Resource = { 'zh-CN': { common: common['zh-CN'] }, en: { common: common.en } };

void i18next.use(initReactI18next).init({
  resources,
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = storedLanguage();

export default i18next;
