// The course in Simplified Chinese is the same course: each lesson in
// lessons/zh-CN/ has the English lesson's code blocks (commands, code,
// diagrams), byte for byte and in the same order, the same {{bench}}
// markers, and every part a class relies on under its Chinese heading. Since
// the blocks are identical, the doc-test (commands-lessons-*.test.ts) running a
// lesson's commands runs both languages' commands.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exercisePath, LESSONS_DIR, loadLessons, problemPath, readLessonMarkdown } from '../../lessons/catalog.ts';
import { fencedBlocks } from '../../lessons/markdown-blocks.ts';
import { lessonFileIn } from '../../wire/language.ts';
import { benchMarkerPaths, lessonTitle } from '../../wire/lesson.ts';

const SECTIONS = ['目标', '核心思想', '要运行的命令', '先预测，再测量', '练习', '教师备注'];

describe('the course in Simplified Chinese', () => {
  describe.each(loadLessons())('lesson $number ($file)', (lesson) => {
    const file = `${LESSONS_DIR}${lessonFileIn(lesson.file, 'zh-CN')}`;
    const chinese = existsSync(file) ? readLessonMarkdown(lesson, 'zh-CN') : '';
    const english = readLessonMarkdown(lesson);

    it('has a twin in lessons/zh-CN/, opening with its number and the Chinese title the index gives it', () => {
      expect(existsSync(file), file).toBe(true);
      expect(lesson.titles['zh-CN'], 'a "titles": { "zh-CN": ... } in lessons/index.json').toBeDefined();
      expect(chinese.split('\n')[0]).toBe(`# 第 ${lesson.number} 课：${lessonTitle(lesson, 'zh-CN')}`);
    });

    it('has the same code blocks as the English, in the same order', () => {
      expect(fencedBlocks(chinese)).toEqual(fencedBlocks(english));
    });

    it('quotes the same bench figures', () => {
      expect(benchMarkerPaths(chinese)).toEqual(benchMarkerPaths(english));
    });

    it('has every part, in order, and folds its answers away', () => {
      const headings = [...chinese.matchAll(/^## (.*)$/gm)].map((match) => match[1]);
      expect(headings.filter((heading) => SECTIONS.includes(heading))).toEqual(SECTIONS);
      expect(chinese.slice(chinese.indexOf('## 教师备注'))).toMatch(/<details>\s*<summary>答案<\/summary>[\s\S]+<\/details>/);
    });

    it('links to the code it teaches, and only to files that exist', () => {
      for (const taught of lesson.teaches) expect(chinese, `a link to ${taught}`).toContain(`](../../${taught})`);
      const targets = [...chinese.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
      expect(targets.filter((target) => !existsSync(resolve(dirname(file), target)))).toEqual([]);
    });

    if (lesson.exercise) it('states its exercise in Chinese too, with the same code blocks', () => {
      const problem = problemPath(lesson, 'zh-CN')!;
      expect(existsSync(problem), problem).toBe(true);
      const englishProblem = readFileSync(problemPath(lesson)!, 'utf8');
      expect(fencedBlocks(readFileSync(problem, 'utf8'))).toEqual(fencedBlocks(englishProblem));
      expect(existsSync(exercisePath(lesson, 'exercise')!)).toBe(true);
    });
  });

  it('has a glossary that gives the English beside each term', () => {
    const glossary = readFileSync(`${LESSONS_DIR}zh-CN/README.md`, 'utf8');
    for (const [chinese, english] of [['短轮询', 'short polling'], ['长轮询', 'long polling'], ['服务器发送事件', 'Server-Sent Events'], ['游标', 'cursor'], ['挂起的请求', 'held request']]) {
      expect(glossary).toMatch(new RegExp(`\\| ${chinese}[^|]* \\| ${english}`));
    }
  });
});
