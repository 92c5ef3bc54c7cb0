// The doc-test of lessons 5 to 6: every shell command as written, against a real server (support/run-lesson.ts).

import { describeLessonCommands, LESSON_GROUPS } from './support/run-lesson.ts';

describeLessonCommands(LESSON_GROUPS[1]);
