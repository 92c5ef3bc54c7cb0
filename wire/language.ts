// The languages the course and the page are written in, and how a language
// tag found in the world (?lang=, navigator.language, LANG=zh_CN.UTF-8) maps
// to one of them. Plain TypeScript, no Node or DOM: the lesson runner and the
// browser both read it.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';

/** What each language calls itself, for the page's switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * The course language a tag asks for, or undefined when it names none of
 * ours. Any Chinese tag ("zh", "zh-CN", "zh-Hans", "zh_CN.UTF-8") picks
 * Simplified Chinese, the one Chinese the course is written in.
 */
export function languageFromTag(tag: string | null | undefined): Language | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_.@]/)[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

/** Where a lesson's Markdown is, relative to lessons/: the English at the top, each translation in a folder named for its language. */
export function lessonFileIn(file: string, language: Language): string {
  return language === DEFAULT_LANGUAGE ? file : `${language}/${file}`;
}
