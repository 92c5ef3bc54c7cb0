// The course's table of contents, read from lessons/index.json.
//
// index.json is the one list of lessons: the command line reads it here, and
// the browser's Lessons panel can fetch the same file to list and open the
// Markdown. Keep it plain JSON so both sides read it without a build step.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lessonFileIn, type Language } from '../wire/language.ts';
import type { Lesson, LessonIndex } from '../wire/lesson.ts';

// The lesson's shape lives in wire/ so the browser can read index.json with it too.
export type { Lesson, LessonServer } from '../wire/lesson.ts';

export const LESSONS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function loadLessons(): Lesson[] {
  const index = JSON.parse(readFileSync(`${LESSONS_DIR}index.json`, 'utf8')) as LessonIndex;
  return index.lessons;
}

export function findLesson(number: number): Lesson | undefined {
  return loadLessons().find((lesson) => lesson.number === number);
}

export function readLessonMarkdown(lesson: Lesson, language: Language = 'en'): string {
  return readFileSync(`${LESSONS_DIR}${lessonFileIn(lesson.file, language)}`, 'utf8');
}

/** An exercise's problem statement in a language: problem.md, or problem.zh-CN.md beside it. */
export function problemPath(lesson: Lesson, language: Language = 'en'): string | undefined {
  const start = exercisePath(lesson, 'exercise');
  if (!start) return undefined;
  return join(dirname(start), language === 'en' ? 'problem.md' : `problem.${language}.md`);
}

/** Where verify looks for a lesson's exercise: the student's copy, or the reference solution. */
export function exercisePath(lesson: Lesson, which: 'exercise' | 'solution'): string | undefined {
  if (!lesson.exercise) return undefined;
  return `${LESSONS_DIR}${which === 'exercise' ? 'exercises' : 'solutions'}/${lesson.exercise}`;
}
