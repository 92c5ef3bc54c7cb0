// The language the lesson runner speaks, chosen once per command: --lang,
// else LANG (a zh_CN.UTF-8 terminal gets Chinese), else English.
//
// Every sentence a student reads from the runner and the verify checkers is
// written in both languages side by side, `say(english, chinese)`, so a
// change to one is made next to the other and neither can drift unseen.

import { DEFAULT_LANGUAGE, languageFromTag, type Language } from '../wire/language.ts';

export type { Language } from '../wire/language.ts';

let current: Language = DEFAULT_LANGUAGE;

/** The language from the --lang flag if given, else from the environment's LANG. */
export function chooseLanguage(flag: string | undefined, environment: NodeJS.ProcessEnv = process.env): Language {
  if (flag !== undefined) {
    const language = languageFromTag(flag);
    if (!language) throw new Error(`--lang must be en or zh-CN, got ${flag}`);
    return language;
  }
  return languageFromTag(environment.LC_ALL || environment.LANG) ?? DEFAULT_LANGUAGE;
}

export function setLanguage(language: Language): void {
  current = language;
}

export function currentLanguage(): Language {
  return current;
}

/** The sentence in the runner's language. */
export function say(english: string, chinese: string): string {
  return current === 'zh-CN' ? chinese : english;
}
