// What `npm run lesson -- <n>` prints before it starts the server: the
// lesson's goals and its commands, under their headings, in order. The idea,
// the predictions to write down and the exercises stay in the lesson itself;
// the first lines say where to read it.

import { lessonFileIn, type Language } from '../wire/language.ts';
import { lessonTitle } from '../wire/lesson.ts';
import { readLessonMarkdown, type Lesson } from './catalog.ts';
import { say } from './language.ts';
import { lessonParts } from './markdown-blocks.ts';

/** The ## headings the steps treat specially, as each language writes them (test/lessons/translations.test.ts keeps the Chinese ones). */
function sectionNames() {
  return {
    goals: say('Goals', '目标'),
    teacherOnly: say("Teacher's note", '教师备注'),
    predict: say('Predict, then measure', '先预测，再测量'),
  };
}

/**
 * A section with no command under it is left out (the teacher's note always),
 * a step (###) without one is named with a note: the prose is read in the
 * lesson itself.
 */
export function lessonSteps(lesson: Lesson, language: Language): string {
  const sections = sectionNames();
  const noCommand = say('  (nothing to type: the lesson says what to do)', '  （这里不用输入命令：照课文做）');
  const file = `lessons/${lessonFileIn(lesson.file, language)}`;
  const lines = [
    say(`Lesson ${lesson.number}: ${lesson.title} (about ${lesson.minutes} minutes)`, `第 ${lesson.number} 课：${lessonTitle(lesson, language)}（约 ${lesson.minutes} 分钟）`),
    say(`Read it: ${file}, or npm run lesson -- show ${lesson.number} (figures filled in),`, `阅读：${file}，或 npm run lesson -- show ${lesson.number}（已填入实测数据），`),
    say('         or in the Lessons panel beside the chat (its address is printed below).', '      或在聊天旁的课程面板中阅读（地址见下方）。'),
    say('Below are its goals and its commands, in order; the idea, the predictions to write', '下面按顺序列出本课的目标和命令；核心思想、要写下的预测和练习'),
    say('down and the exercises are in the lesson.', '都在课文中。'),
  ];
  if (lesson.teaches.length > 0) lines.push(say(`It explains: ${lesson.teaches.join(', ')}`, `讲解的代码：${lesson.teaches.join('、')}`));
  const markdown = readLessonMarkdown(lesson, language);
  let section = '';
  /** The section's heading, until something under it is printed. */
  let sectionHeading: string[] = [];
  /** A step's heading (###), until a command under it is printed. */
  let stepTitle: string | undefined;
  const printHeadings = (note = '') => {
    lines.push(...sectionHeading.splice(0));
    if (stepTitle !== undefined) lines.push('', `-- ${stepTitle}${note}`);
    stepTitle = undefined;
  };
  for (const part of lessonParts(markdown)) {
    if (part.type === 'heading' && stepTitle !== undefined) printHeadings(noCommand);
    if (part.type === 'heading' && part.depth === 2) {
      section = part.text;
      const note = section === sections.predict ? say('  (write down the predictions in the lesson before you run these)', '  （运行之前，先写下课文中的预测）') : '';
      sectionHeading = ['', `== ${section}${note}`];
      if (section === sections.goals) lines.push(...sectionHeading.splice(0), ...goals(markdown, sections.goals));
      continue;
    }
    if (section === sections.teacherOnly) continue;
    if (part.type === 'heading' && part.depth === 3) stepTitle = part.text;
    if (part.type !== 'shell') continue;
    printHeadings();
    const { kind, code } = part.block;
    lines.push('', ...code.split('\n').map((line) => `   $ ${line}`));
    if (kind === 'server' && code.trim() === `npm run lesson -- ${lesson.number}`) lines.push(say('     (the server this command starts below)', '     （就是下面启动的这个服务器）'));
    else if (kind === 'server' && /(^|\s)--port[=\s]+[1-9]/.test(code)) lines.push(say('     (keeps running beside the others: give it a terminal of its own and leave it there)', '     （它与其他进程并行运行：给它单独开一个终端，让它一直运行）'));
    else if (kind === 'server') lines.push(say('     (a server of its own: stop the running one with Ctrl-C, then run this in its terminal)', '     （这是另一个服务器：先用 Ctrl-C 停掉正在运行的那个，再在同一终端运行它）'));
    else if (kind === 'by-hand') lines.push(say('     (run it by hand, when the lesson says so)', '     （课文提到时再手动运行）'));
  }
  if (stepTitle !== undefined) printHeadings(noCommand);
  return lines.join('\n');
}

/** The bullet points of the lesson's Goals section. */
function goals(markdown: string, heading: string): string[] {
  const section = new RegExp(`^## ${heading}\\n([\\s\\S]*?)^## `, 'm').exec(markdown)?.[1] ?? '';
  return section.split('\n').filter((line) => line.trim() !== '').map((line) => `   ${line}`);
}
