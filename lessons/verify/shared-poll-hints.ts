// What verify 6 tells a student from what the tabs delivered: which tabs went
// wrong and how, and which TODO of the exercise to look at.

import { say } from '../language.ts';
import { compareDeliveries, listed } from './check-server.ts';
import type { TabRecord } from './shared-poll-tab.ts';

/** One tab, by its number, and the record its page kept. */
export interface TabSeen {
  tab: { number: number };
  record: TabRecord;
}

/** What the tabs that did not deliver `expected` delivered instead, tabs alike told together; '' if all did. */
export function whatWentWrong(records: TabSeen[], expected: string[]): string {
  const tabsBySaying = new Map<string, number[]>();
  for (const { tab, record } of records) {
    const problem = compareDeliveries(record.delivered, expected);
    if (problem === '') continue;
    // Tabs are grouped by what they delivered: '' stands for nothing at all.
    const saying = record.delivered.length === 0 ? '' : say(`${listed(record.delivered)} (${problem})`, `${listed(record.delivered)}（${problem}）`);
    tabsBySaying.set(saying, [...(tabsBySaying.get(saying) ?? []), tab.number]);
  }
  const lines = [...tabsBySaying].map(([saying, tabs]) => {
    const who = say(`${tabs.length === 1 ? 'tab' : 'tabs'} ${tabList(tabs)}`, `标签页 ${tabList(tabs)}`);
    if (saying === '') return say(`${who} delivered nothing`, `${who} 什么也没有投递`);
    return say(`${who} delivered ${saying}`, `${who} 投递了 ${saying}`);
  });
  return lines.join(say('; ', '；'));
}

/** Which TODO to look at, from who delivered what: nobody, only the leader, or some tabs twice. */
export function whatToFix(records: TabSeen[], expected: string[]): string {
  const complete = records.filter(({ record }) => compareDeliveries(record.delivered, expected) === '');
  const nothing = records.filter(({ record }) => record.delivered.length === 0);
  if (nothing.length === records.length) {
    return say(
      'The leader must accept() each page it polls and post it on the channel (TODO 3), every tab must accept() what comes on the channel (TODO 2), and accept() hands the messages on (TODO 1).',
      '主标签页必须对轮询到的每一页调用 accept()，并把它发到频道上（TODO 3）；每个标签页都必须对频道上收到的内容调用 accept()（TODO 2）；accept() 再把消息交出去（TODO 1）。',
    );
  }
  if (complete.length > 0 && nothing.length > 0) {
    const tabs = tabList(complete.map(({ tab }) => tab.number));
    return say(
      `tab ${tabs} delivered them, the others nothing: the leader posts { since, page } on the channel (TODO 3), and every tab accepts what comes on it (TODO 2).`,
      `标签页 ${tabs} 投递了这些消息，其他标签页什么也没有投递：主标签页把 { since, page } 发到频道上（TODO 3），每个标签页都接受频道上收到的内容（TODO 2）。`,
    );
  }
  return say(
    "accept() delivers a page only when it starts at this tab's cursor, then moves the cursor to the page's (TODO 1).",
    'accept() 只在一页从本标签页的游标处开始时才投递它，然后把游标移到这一页的游标（TODO 1）。',
  );
}

/** Whether a tab delivered some message more than once (a new leader that started from an old cursor). */
export function deliveredTwice(delivered: string[]): boolean {
  return delivered.some((text, index) => delivered.indexOf(text) !== index);
}

/** "1, 2, 3": the numbers of some tabs, for a hint. */
export function tabList(numbers: number[]): string {
  return numbers.join(say(', ', '、'));
}
