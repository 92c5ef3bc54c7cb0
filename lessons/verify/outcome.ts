// What a lesson checker reports: one line per check, pass or fail, with a hint
// that says what is still wrong and where to look.

import { say } from '../language.ts';

export interface CheckOutcome {
  /** What a correct exercise does, as a student would observe it. */
  check: string;
  passed: boolean;
  /** For a failed check: what was seen, and what to change. */
  hint?: string;
}

export interface VerifyReport {
  lesson: number;
  /** The file that was checked. */
  file: string;
  outcomes: CheckOutcome[];
  /** Things worth knowing that are neither pass nor fail (the flaw that remains, a figure to think about). */
  notes: string[];
}

export function allPassed(report: VerifyReport): boolean {
  return report.outcomes.length > 0 && report.outcomes.every((outcome) => outcome.passed);
}

export function formatReport(report: VerifyReport): string {
  const lines = [say(`Lesson ${report.lesson}: checking ${report.file}`, `第 ${report.lesson} 课：检查 ${report.file}`), ''];
  for (const { check, passed, hint } of report.outcomes) {
    lines.push(`  ${passed ? 'PASS' : 'FAIL'}  ${check}`);
    if (!passed && hint) lines.push(...hint.split('\n').map((line) => `        ${say('hint: ', '提示：')}${line}`));
  }
  for (const note of report.notes) lines.push('', ...note.split('\n').map((line) => `  ${say('note: ', '注意：')}${line}`));
  const passedCount = report.outcomes.filter((outcome) => outcome.passed).length;
  const total = report.outcomes.length;
  lines.push(
    '',
    allPassed(report)
      ? say(`All ${passedCount} checks pass. Well done.`, `全部 ${passedCount} 项检查通过，做得好！`)
      : say(`${passedCount} of ${total} checks pass. Change your file and run the same command again.`, `${total} 项检查中通过了 ${passedCount} 项。修改你的文件，再运行同一条命令。`),
  );
  return lines.join('\n');
}
