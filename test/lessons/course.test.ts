// The course's shape: every lesson listed in lessons/index.json exists, has
// the parts a class relies on (goals, the idea, commands, a prediction,
// exercises, a teacher's note with answers folded away), links to the code it
// teaches, and links to nothing that is not there.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercisePath, LESSONS_DIR, loadLessons, PROJECT_ROOT, readLessonMarkdown } from '../../lessons/catalog.ts';

const SECTIONS = ['Goals', 'The idea', 'Commands to run', 'Predict, then measure', 'Exercises', "Teacher's note"];

describe('the course', () => {
  const lessons = loadLessons();

  it('numbers its lessons 0, 1, 2, ... in order', () => {
    expect(lessons.map((lesson) => lesson.number)).toEqual(lessons.map((_lesson, index) => index));
  });

  describe.each(lessons)('lesson $number ($file)', (lesson) => {
    const markdown = existsSync(`${LESSONS_DIR}${lesson.file}`) ? readLessonMarkdown(lesson) : '';

    it('opens with its number and the title the index gives it', () => {
      expect(markdown.split('\n')[0]).toBe(`# Lesson ${lesson.number}: ${lesson.title}`);
    });

    it('has every part, in order, and folds its answers away', () => {
      const headings = [...markdown.matchAll(/^## (.*)$/gm)].map((match) => match[1]);
      expect(headings.filter((heading) => SECTIONS.includes(heading))).toEqual(SECTIONS);
      const note = markdown.slice(markdown.indexOf("## Teacher's note"));
      expect(note).toMatch(/<details>\s*<summary>Answers<\/summary>[\s\S]+<\/details>/);
    });

    it('links to the code it teaches', () => {
      for (const file of lesson.teaches) expect(markdown, `a link to ${file}`).toContain(`](../${file})`);
    });

    it('links only to files that exist', () => {
      const targets = [...markdown.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
      const missing = targets.filter((target) => !existsSync(resolve(dirname(`${LESSONS_DIR}${lesson.file}`), target)));
      expect(missing).toEqual([]);
    });
  });

  it('gives every code exercise a starting copy, a problem statement and a reference solution', () => {
    const withExercise = lessons.filter((lesson) => lesson.exercise);
    expect(withExercise.length).toBeGreaterThan(0);
    for (const lesson of withExercise) {
      const start = exercisePath(lesson, 'exercise')!;
      expect(existsSync(start), start).toBe(true);
      expect(existsSync(exercisePath(lesson, 'solution')!), `solution of lesson ${lesson.number}`).toBe(true);
      expect(existsSync(`${dirname(start)}/problem.md`), `problem.md of lesson ${lesson.number}`).toBe(true);
    }
  });

  it('is served from a folder inside the project', () => {
    expect(LESSONS_DIR.startsWith(PROJECT_ROOT)).toBe(true);
  });
});
