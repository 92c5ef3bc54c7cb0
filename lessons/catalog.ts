// The course's table of contents, read from lessons/index.json.
//
// index.json is the one list of lessons: the command line reads it here, and
// the browser's Lessons panel can fetch the same file to list and open the
// Markdown. Keep it plain JSON so both sides read it without a build step.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LESSONS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The server a lesson works against, as `npm start` flags. */
export interface LessonServer {
  /** The default strategy (--strategy). */
  strategy: string;
  /** Other flags, by name without dashes: { "hold-timeout": 10000 }. */
  flags?: Record<string, number>;
}

export interface Lesson {
  number: number;
  /** The Markdown file, relative to lessons/. */
  file: string;
  title: string;
  /** Class time it is written for. */
  minutes: number;
  /** The source files it explains, relative to the project root. */
  teaches: string[];
  /** What `npm run lesson -- <n>` starts; none for lessons that start their own processes. */
  server?: LessonServer;
  /** The student's working copy for `npm run lesson -- verify <n>`, relative to lessons/exercises/ (and lessons/solutions/). */
  exercise?: string;
}

export function loadLessons(): Lesson[] {
  const index = JSON.parse(readFileSync(`${LESSONS_DIR}index.json`, 'utf8')) as { lessons: Lesson[] };
  return index.lessons;
}

export function findLesson(number: number): Lesson | undefined {
  return loadLessons().find((lesson) => lesson.number === number);
}

export function readLessonMarkdown(lesson: Lesson): string {
  return readFileSync(`${LESSONS_DIR}${lesson.file}`, 'utf8');
}

/** Where verify looks for a lesson's exercise: the student's copy, or the reference solution. */
export function exercisePath(lesson: Lesson, which: 'exercise' | 'solution'): string | undefined {
  if (!lesson.exercise) return undefined;
  return `${LESSONS_DIR}${which === 'exercise' ? 'exercises' : 'solutions'}/${lesson.exercise}`;
}
