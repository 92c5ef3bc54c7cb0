// The Lessons panel: the course from lessons/, read beside the live chat and
// wire view, so a student can run a step and watch it happen.
//
// The list is lessons/index.json (served at /lessons/index.json) and each
// lesson is its Markdown file, rendered safely (markdown.ts), with its bench
// figures filled in (lesson-figures.ts) and its repository links made
// readable (lesson-links.ts). The panel fetches nothing until it is opened;
// ?lesson=3 opens it on lesson 3, and the last lesson read is remembered.
// Lessons are shown in the page's language: a translation lives in
// lessons/<language>/ under the English file's name, and a lesson not yet
// translated is shown in English, saying so.

import { lessonFileIn, type Language } from '../wire/language.ts';
import { benchMarkerPaths, lessonTitle, type Lesson, type LessonIndex } from '../wire/lesson.ts';
import { element } from './element.ts';
import { pageLanguage, pageText } from './i18n/page-language.ts';
import { fetchBenchResults, fillBenchFigures, type BenchResults } from './lesson-figures.ts';
import { adaptLinks } from './lesson-links.ts';
import { renderMarkdown } from './markdown.ts';

const LESSON_KEY = 'pollbench.lesson';
/** The URL parameter that opens the panel on a lesson, and that the panel keeps in step. */
const LESSON_PARAMETER = 'lesson';

/** Open the panel when `details` opens (at once if the URL asks for a lesson). */
export function setUpLessonsPanel(details: HTMLDetailsElement, container: HTMLElement): void {
  const requested = new URLSearchParams(location.search).get(LESSON_PARAMETER);
  let panel: LessonsPanel | undefined;
  const onToggle = () => {
    if (details.open && !panel) {
      panel = new LessonsPanel(container);
      void panel.start(requested ?? readSaved());
    }
    setLessonInUrl(details.open ? panel?.shownNumber : undefined);
  };
  details.addEventListener('toggle', onToggle);
  if (requested !== null) details.open = true; // fires 'toggle'
}

class LessonsPanel {
  private lessons: Lesson[] = [];
  private bench: Promise<BenchResults> | undefined;
  private readonly picker: HTMLSelectElement;
  private readonly article: HTMLElement;
  /** Bumped on every choice, so a slow answer for an earlier choice is dropped. */
  private shown = 0;
  shownNumber: number | undefined;

  private readonly language: Language = pageLanguage();

  constructor(container: HTMLElement) {
    const words = pageText().lessons;
    this.picker = element('select', '', { id: 'lesson-choice' });
    this.picker.addEventListener('change', () => this.open(this.lessons[this.picker.selectedIndex]));
    this.article = element('article', 'lesson', { 'aria-live': 'polite', tabindex: -1 }, [element('p', 'hint', {}, [words.loading])]);
    const head = element('div', 'lesson-head', {}, [element('label', '', { for: 'lesson-choice' }, [words.choose]), this.picker]);
    container.append(head, this.article);
  }

  /** List the course and show the lesson asked for (by number), or the first. */
  async start(wanted: string | undefined | null): Promise<void> {
    const words = pageText().lessons;
    try {
      this.lessons = await fetchLessonList();
    } catch (error) {
      this.showProblem(words.listUnreadable(errorText(error)));
      return;
    }
    for (const lesson of this.lessons) {
      const title = lessonTitle(lesson, this.language);
      this.picker.append(element('option', '', { value: lesson.number }, [words.option(lesson.number, title, lesson.minutes)]));
    }
    const first = this.lessons.find((lesson) => String(lesson.number) === wanted) ?? this.lessons[0];
    if (first) await this.open(first);
    else this.showProblem(words.noLessons);
  }

  private async open(lesson: Lesson | undefined): Promise<void> {
    if (!lesson) return;
    const turn = ++this.shown;
    this.picker.value = String(lesson.number);
    this.shownNumber = lesson.number;
    save(lesson.number);
    setLessonInUrl(lesson.number);
    let shown: LessonText;
    try {
      shown = await fetchLessonText(lesson, this.language);
    } catch (error) {
      if (turn === this.shown) this.showProblem(pageText().lessons.lessonUnreadable(lesson.number, errorText(error)));
      return;
    }
    const { file, markdown } = shown;
    // Read the bench run once, and only if a lesson quotes a figure.
    const bench = benchMarkerPaths(markdown).length > 0 ? await (this.bench ??= fetchBenchResults()) : { unavailable: '' };
    if (turn !== this.shown) return;
    const content = renderMarkdown(fillBenchFigures(markdown, bench));
    adaptLinks(content, file, this.lessons, (next) => void this.open(next));
    // An English lesson on a Chinese page says it is English, to the reader and to screen readers.
    this.article.lang = file === lesson.file ? 'en' : this.language;
    if (file !== lessonFileIn(lesson.file, this.language)) content.prepend(element('p', 'hint', { lang: this.language }, [pageText().lessons.untranslated]));
    this.article.replaceChildren(content);
    this.article.scrollTop = 0;
  }

  private showProblem(text: string): void {
    this.article.replaceChildren(element('p', 'failure', { role: 'alert' }, [text]));
  }
}

async function fetchLessonList(): Promise<Lesson[]> {
  const index = JSON.parse(await fetchText('/lessons/index.json')) as Partial<LessonIndex>;
  if (!Array.isArray(index.lessons)) throw new Error(pageText().lessons.noList);
  // A course written before it had translations lists no titles: every title is then the English.
  return index.lessons.map((lesson) => ({ ...lesson, titles: lesson.titles ?? {} }));
}

/** A lesson's Markdown and the file it came from, relative to lessons/. */
interface LessonText {
  file: string;
  markdown: string;
}

/** The lesson in `language`, or in English while its translation does not exist yet (404). */
async function fetchLessonText(lesson: Lesson, language: Language): Promise<LessonText> {
  const translated = lessonFileIn(lesson.file, language);
  if (translated !== lesson.file) {
    const url = `/lessons/${encodeURI(translated)}`;
    const response = await fetch(url);
    if (response.ok) return { file: translated, markdown: await response.text() };
    if (response.status !== 404) throw new Error(pageText().failure.answered(url, response.status));
  }
  return { file: lesson.file, markdown: await fetchText(`/lessons/${encodeURI(lesson.file)}`) };
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(pageText().failure.answered(url, response.status));
  return response.text();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ?lesson=N while the panel shows lesson N, so the address can be shared; removed when it closes. */
function setLessonInUrl(number: number | undefined): void {
  const url = new URL(location.href);
  if (number === undefined) url.searchParams.delete(LESSON_PARAMETER);
  else url.searchParams.set(LESSON_PARAMETER, String(number));
  history.replaceState(null, '', url);
}

// Storage can be unavailable (private windows, blocked cookies): the panel then starts at lesson 0.
function readSaved(): string | undefined {
  try {
    return localStorage.getItem(LESSON_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function save(number: number): void {
  try {
    localStorage.setItem(LESSON_KEY, String(number));
  } catch {
    // Not remembered this time; nothing else depends on it.
  }
}
