// `npm run lesson -- verify 6` on one long poll shared by every tab of a
// browser, checked in eight tabs of a real Chromium: the reference solution
// passes; the committed starting copy (no tab polls) fails every check, each
// hint naming the TODO to write; and a copy with one mistake put back is
// caught by the check about that mistake.

import { describe, expect, it } from 'vitest';
import { findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { checkSharedPoll } from '../../lessons/verify/shared-poll-check.ts';
import { allPassed, type VerifyReport } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant, type Edit } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(6)!;
/** Chromium, eight tabs and the waits of a copy that never delivers. */
const VERIFY_LIMIT_MS = 90_000;

function failed(report: VerifyReport): { check: string; hint?: string }[] {
  return report.outcomes.filter((outcome) => !outcome.passed).map(({ check, hint }) => ({ check, hint }));
}

describe('verify 6', () => {
  it('passes on the reference solution, and says which tab took over', async () => {
    const report = await verifyLesson(LESSON, { solution: true });
    expect(failed(report)).toEqual([]);
    expect(allPassed(report)).toBe(true);
    expect(report.notes.join('\n')).toMatch(/tab 1 led and sent \d+ long polls; when it closed, tab \d took over within \d+ ms/);
  }, VERIFY_LIMIT_MS);

  it('fails every check on the untouched starting copy, each hint naming the TODO to write', async () => {
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    expect(failed(report)).toHaveLength(report.outcomes.length);
    expect(report.outcomes.length).toBe(4);
    for (const { check, hint } of failed(report)) expect(hint, check).toMatch(/TODO \d/);
    expect(failed(report)[0].hint).toMatch(/no tab sent a long poll, and the server held none/);
    expect(failed(report)[1].hint).toMatch(/tabs 1, 2, 3, 4, 5, 6, 7, 8 delivered nothing/);
  }, VERIFY_LIMIT_MS);

  it('says what is missing in Chinese when the runner speaks zh-CN, before any browser starts', async () => {
    setLanguage('zh-CN');
    try {
      const { outcomes } = await checkSharedPoll({}, 'shared-poll.ts');
      expect(outcomes).toEqual([{ check: '文件导出了 shareLongPoll', passed: false, hint: expect.stringMatching(/^保留 `export function shareLongPoll\(\{ cursor, onMessages \}\)`$/) }]);
    } finally {
      setLanguage('en');
    }
  });

  const mistakes: { mistake: string; edits: Edit[]; fails: RegExp[]; hint: RegExp }[] = [
    {
      mistake: 'polls in every tab, with no lock',
      edits: [['  void navigator.locks.request(LEADER_LOCK, async () => {\n', '  void (async () => {\n'], ['      accept(relayed);\n    }\n  });\n', '      accept(relayed);\n    }\n  })();\n']],
      fails: [/send one long poll between them/, /takes over the polling, alone/],
      hint: /8 tabs sent long polls .*held up to 6 at once/,
    },
    {
      mistake: 'relays nothing to the other tabs',
      edits: [['      channel.postMessage(relayed); // to every other tab; a channel does not echo to its sender\n', '']],
      fails: [/every tab delivers every message/, /nothing lost, nothing twice/],
      hint: /tabs 2, 3, 4, 5, 6, 7, 8 delivered nothing\.\ntab 1 delivered them, the others nothing/,
    },
    {
      mistake: 'delivers relayed messages without moving its cursor',
      edits: [['  channel.onmessage = (event: MessageEvent<RelayedPage>) => accept(event.data);', '  channel.onmessage = (event: MessageEvent<RelayedPage>) => onMessages(event.data.page.messages);']],
      fails: [/nothing lost, nothing twice/],
      hint: /more than once: "one", "two", "three", "four", "five".*\nThe new leader polled from an older cursor/,
    },
  ];

  it.each(mistakes)(
    'catches a copy that $mistake, where it should',
    async ({ edits, fails, hint }) => {
      const report = await withSolutionVariant(LESSON, edits, (file) => verifyLesson(LESSON, { file }));
      expect(failed(report).map(({ check }) => check)).toEqual(fails.map((check) => expect.stringMatching(check)));
      expect(failed(report)[0].hint).toMatch(hint);
    },
    VERIFY_LIMIT_MS,
  );
});
