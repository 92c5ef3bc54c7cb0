// Links in a lesson are written for GitHub: relative to the lesson's own file,
// in lessons/ (English) or lessons/zh-CN/ (its translation). In the browser
// most of them lead nowhere, so each one becomes what it can be here:
//   another lesson, or its translation   a link that opens it in the panel
//   any other file/folder                its path as code text, to open in an editor
//   http(s)://localhost:3000/...         the same page on this server (a class may reach it by another address)
//   other absolute links                 unchanged, opened in a new tab

import { LANGUAGES, lessonFileIn } from '../wire/language.ts';
import type { Lesson } from '../wire/lesson.ts';
import { element } from './element.ts';
import { pageText } from './i18n/page-language.ts';

/** The repository as if it were a web address, so the URL parser can resolve "../" for us. */
const REPOSITORY = 'https://repository.invalid/';
/** Where lessons tell students to open the workbench (`npm start` listens there by default). */
const DEFAULT_ORIGINS = new Set(['http://localhost:3000', 'http://127.0.0.1:3000']);

/**
 * Make the links of a rendered lesson work in the page. `lessonFile` is the
 * file it was read from, relative to lessons/ ("03-long-poll-mtime.md",
 * "zh-CN/03-long-poll-mtime.md"): its relative links start from its folder.
 */
export function adaptLinks(root: ParentNode, lessonFile: string, lessons: Lesson[], openLesson: (lesson: Lesson) => void): void {
  const lessonUrl = `${REPOSITORY}lessons/${lessonFile}`;
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    const href = link.getAttribute('href') ?? '';
    if (href.startsWith('#')) continue;
    if (/^[a-z][a-z\d+.-]*:/i.test(href)) {
      adaptAbsolute(link, href);
      continue;
    }
    const path = repositoryPathOf(href, lessonUrl);
    const lesson = lessons.find((candidate) => LANGUAGES.some((language) => `lessons/${lessonFileIn(candidate.file, language)}` === path));
    if (lesson) {
      link.href = `?lesson=${lesson.number}`;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        openLesson(lesson);
      });
    } else {
      link.replaceWith(repositoryPath(link.textContent ?? '', path));
    }
  }
}

/** "../strategies/long-poll.ts" (from lessons/03-....md) → "strategies/long-poll.ts"; any #part or ?query dropped. */
function repositoryPathOf(href: string, lessonUrl: string): string {
  const encoded = new URL(href, lessonUrl).pathname.slice(1);
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded; // a malformed %-escape: show the path as written
  }
}

function adaptAbsolute(link: HTMLAnchorElement, href: string): void {
  const url = URL.canParse(href) ? new URL(href) : undefined;
  if (url && DEFAULT_ORIGINS.has(url.origin)) link.href = `${location.origin}${url.pathname}${url.search}${url.hash}`;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
}

/** "strategies/long-poll.ts" as code; the link's words first when they say something the path does not. */
function repositoryPath(text: string, path: string): Node {
  const code = element('code', 'repo-path', { title: pageText().lessons.repositoryFile }, [path]);
  const words = text.trim();
  if (!words || path.endsWith(words)) return code;
  return element('span', '', {}, [`${words} (`, code, ')']);
}
