// What the page remembers between visits, in localStorage: the name you chat
// under, whether you want large text (for a projector), and the language you
// chose.

import { MAX_AUTHOR_LENGTH } from '../wire/draft.ts';
import { LANGUAGES, type Language } from '../wire/language.ts';

const NAME_KEY = 'pollbench.name';
const LARGE_TEXT_KEY = 'pollbench.largeText';
const LANGUAGE_KEY = 'pollbench.language';

export function savedName(): string {
  return read(NAME_KEY) ?? `guest-${Math.floor(Math.random() * 900 + 100)}`;
}

export function saveName(name: string): void {
  write(NAME_KEY, name);
}

/** The language chosen on an earlier visit, if any (and if it is still one of ours). */
export function savedLanguage(): Language | undefined {
  const saved = read(LANGUAGE_KEY);
  return LANGUAGES.find((language) => language === saved);
}

export function saveLanguage(language: Language): void {
  write(LANGUAGE_KEY, language);
}

/** Wire a "large text" checkbox to the <html> class that enlarges everything, remembered across pages. */
export function setUpLargeText(checkbox: HTMLInputElement): void {
  const apply = (on: boolean) => document.documentElement.classList.toggle('large-text', on);
  checkbox.checked = read(LARGE_TEXT_KEY) === 'on';
  apply(checkbox.checked);
  checkbox.addEventListener('change', () => {
    apply(checkbox.checked);
    write(LARGE_TEXT_KEY, checkbox.checked ? 'on' : 'off');
  });
}

/** Wire a name field to localStorage. */
export function setUpNameField(input: HTMLInputElement): void {
  input.maxLength = MAX_AUTHOR_LENGTH; // the server refuses longer names
  input.value = savedName();
  saveName(input.value);
  input.addEventListener('change', () => saveName(input.value.trim() || savedName()));
}

// Storage can be unavailable (private windows, blocked cookies): the page then simply forgets.
function read(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered this time; nothing else depends on it.
  }
}
