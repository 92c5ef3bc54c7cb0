// The doc-test of lessons 7 to 8: every shell command as written, against a real server (support/run-lesson.ts).

import { describeLessonCommands, LESSON_GROUPS } from './support/run-lesson.ts';

describeLessonCommands(LESSON_GROUPS[2]);
