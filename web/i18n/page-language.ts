// Which language the page speaks, and the switch in the header that changes it.
//
//   ?lang=zh-CN (or ?lang=en)   a link that names one (remembered, like a choice)
//   else the language chosen on an earlier visit (preferences.ts)
//   else the browser's, in the reader's order of preference (navigator.languages)
//   else English
//
// The page picks once, as it starts. Switching saves the choice and reloads
// the page at the same address with ?lang= set: simpler than having every
// part of a live page redraw itself, and the chat resumes from its cursor.
// The markup's own text (headings, labels, the <title>) is English in the
// .html files and filled from the catalog here: data-text="header.chat" sets
// an element's text, data-label="..." its aria-label.

import { DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, languageFromTag, type Language } from '../../wire/language.ts';
import { saveLanguage, savedLanguage } from '../preferences.ts';
import { MESSAGES, textAt, type Messages } from './messages.ts';

/** The URL parameter that names the language. */
export const LANGUAGE_PARAMETER = 'lang';

let chosen: Language | undefined;

/** The language the page speaks, chosen on first use. */
export function pageLanguage(): Language {
  chosen ??= languageInAddress() ?? savedLanguage() ?? browserLanguage() ?? DEFAULT_LANGUAGE;
  return chosen;
}

/** Every sentence of the page, in its language. */
export function pageText(): Messages {
  return MESSAGES[pageLanguage()];
}

/** Speak the page's language: <html lang>, the markup's text, and `picker` (a <select> in the header) to switch. */
export function setUpPageLanguage(picker: HTMLSelectElement): void {
  const language = pageLanguage();
  if (languageInAddress()) saveLanguage(language);
  document.documentElement.lang = language;
  fillMarkupText(pageText());
  for (const option of LANGUAGES) {
    // Each language's name in that language, marked as such for screen readers (and for the tests' eyes).
    picker.append(Object.assign(new Option(LANGUAGE_NAMES[option], option, false, option === language), { lang: option }));
  }
  picker.addEventListener('change', () => {
    const wanted = LANGUAGES.find((candidate) => candidate === picker.value);
    if (wanted) switchLanguage(wanted);
  });
}

function switchLanguage(language: Language): void {
  saveLanguage(language);
  const url = new URL(location.href);
  url.searchParams.set(LANGUAGE_PARAMETER, language);
  location.replace(url);
}

function fillMarkupText(messages: Messages): void {
  for (const node of document.querySelectorAll<HTMLElement>('[data-text]')) node.textContent = textAt(messages, node.dataset.text!);
  for (const node of document.querySelectorAll<HTMLElement>('[data-label]')) node.setAttribute('aria-label', textAt(messages, node.dataset.label!));
}

function languageInAddress(): Language | undefined {
  return languageFromTag(new URLSearchParams(location.search).get(LANGUAGE_PARAMETER));
}

/** The first of the browser's languages that is one of ours ("zh-TW" and "zh" read as zh-CN, the one Chinese we have). */
function browserLanguage(): Language | undefined {
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const language = languageFromTag(tag);
    if (language) return language;
  }
  return undefined;
}
