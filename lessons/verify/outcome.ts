// What a lesson checker reports: one line per check, pass or fail, with a hint
// that says what is still wrong and where to look.

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
  const lines = [`Lesson ${report.lesson}: checking ${report.file}`, ''];
  for (const { check, passed, hint } of report.outcomes) {
    lines.push(`  ${passed ? 'PASS' : 'FAIL'}  ${check}`);
    if (!passed && hint) lines.push(...hint.split('\n').map((line) => `        hint: ${line}`));
  }
  for (const note of report.notes) lines.push('', ...note.split('\n').map((line) => `  note: ${line}`));
  const passedCount = report.outcomes.filter((outcome) => outcome.passed).length;
  lines.push('', allPassed(report) ? `All ${passedCount} checks pass. Well done.` : `${passedCount} of ${report.outcomes.length} checks pass. Change your file and run the same command again.`);
  return lines.join('\n');
}
