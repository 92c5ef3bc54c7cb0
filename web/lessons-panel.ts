// The Lessons panel: the course from lessons/, read beside the live chat and
// wire view, so a student can run a step and watch it happen.
//
// The list is lessons/index.json (served at /lessons/index.json) and each
// lesson is its Markdown file, rendered safely (markdown.ts), with its bench
// figures filled in (lesson-figures.ts) and its repository links made
// readable (lesson-links.ts). The panel fetches nothing until it is opened;
// ?lesson=3 opens it on lesson 3, and the last lesson read is remembered.

import { benchMarkerPaths, type Lesson, type LessonIndex } from '../wire/lesson.ts';
import { element } from './element.ts';
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

  constructor(container: HTMLElement) {
    this.picker = element('select', '', { id: 'lesson-choice' });
    this.picker.addEventListener('change', () => this.open(this.lessons[this.picker.selectedIndex]));
    this.article = element('article', 'lesson', { 'aria-live': 'polite', tabindex: -1 }, [element('p', 'hint', {}, ['Loading the lessons…'])]);
    const head = element('div', 'lesson-head', {}, [element('label', '', { for: 'lesson-choice' }, ['Lesson']), this.picker]);
    container.append(head, this.article);
  }

  /** List the course and show the lesson asked for (by number), or the first. */
  async start(wanted: string | undefined | null): Promise<void> {
    try {
      this.lessons = await fetchLessonList();
    } catch (error) {
      this.showProblem(`The list of lessons could not be read: ${errorText(error)}.`);
      return;
    }
    for (const lesson of this.lessons) {
      this.picker.append(element('option', '', { value: lesson.number }, [`${lesson.number} · ${lesson.title} (${lesson.minutes} min)`]));
    }
    const first = this.lessons.find((lesson) => String(lesson.number) === wanted) ?? this.lessons[0];
    if (first) await this.open(first);
    else this.showProblem('lessons/index.json lists no lessons.');
  }

  private async open(lesson: Lesson | undefined): Promise<void> {
    if (!lesson) return;
    const turn = ++this.shown;
    this.picker.value = String(lesson.number);
    this.shownNumber = lesson.number;
    save(lesson.number);
    setLessonInUrl(lesson.number);
    let markdown: string;
    try {
      markdown = await fetchText(`/lessons/${encodeURI(lesson.file)}`);
    } catch (error) {
      if (turn === this.shown) this.showProblem(`Lesson ${lesson.number} could not be read: ${errorText(error)}.`);
      return;
    }
    // Read the bench run once, and only if a lesson quotes a figure.
    const bench = benchMarkerPaths(markdown).length > 0 ? await (this.bench ??= fetchBenchResults()) : { unavailable: '' };
    if (turn !== this.shown) return;
    const content = renderMarkdown(fillBenchFigures(markdown, bench));
    adaptLinks(content, this.lessons, (next) => void this.open(next));
    this.article.replaceChildren(content);
    this.article.scrollTop = 0;
  }

  private showProblem(text: string): void {
    this.article.replaceChildren(element('p', 'failure', { role: 'alert' }, [text]));
  }
}

async function fetchLessonList(): Promise<Lesson[]> {
  const index = JSON.parse(await fetchText('/lessons/index.json')) as Partial<LessonIndex>;
  if (!Array.isArray(index.lessons)) throw new Error('index.json has no "lessons" list');
  return index.lessons;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
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
