/** Host description of shaders/beam_search.wgsl: one beam-search step, and the gather that moves state with its beam. */
import source from '../../shaders/beam_search.wgsl?raw';
import { elementwiseGrid } from '../gpu/geometry.js';
import { noWorkgroupArrays, type KernelDescriptor } from '../gpu/kernel-descriptor.js';

/** MAX_WIDTH in beam_search.wgsl: the widest beam its per-input lists hold. */
export const MAX_BEAM_WIDTH = 16;
/** DEAD in beam_search.wgsl: the score of a beam that does not exist yet. */
export const DEAD_BEAM_SCORE = -1e30;
/** 32-bit words of the kernel's Beam struct: score (f32), length, finished. */
export const BEAM_WORDS = 3;
/** MAX_NGRAM in beam_search.wgsl: the longest n-gram `noRepeatNgram` can block. */
export const MAX_BLOCKED_NGRAM = 8;

export type BeamSearchKernelCall =
  /** Expands every beam of `inputs` inputs by every token (none completing a repeated `noRepeatNgram`-gram) and keeps the `width` best. */
  | { op: 'selectBeams'; inputs: number; width: number; classes: number; eos: number; alpha: number; step: number; noRepeatNgram: number }
  /** out[k, r, :] = in[k, index[r], :] over [blocks, rows, rowWidth] tensors. */
  | { op: 'gatherRows'; blocks: number; inRows: number; outRows: number; rowWidth: number };

const WG = 64;
/** The fields the other entry point reads, unused by this one. */
const UNUSED = { inputs: 0, width: 1, classes: 1, eos: -1, alpha: 0, step: 0, no_repeat_ngram: 0, blocks: 0, in_rows: 0, out_rows: 0, row_width: 0 };

export const beamSearchKernel: KernelDescriptor<BeamSearchKernelCall> = {
  shader: { name: 'beam_search', code: source },
  entryPoints: ['select_beams', 'gather_rows'],
  launch(call, device) {
    if (call.op === 'selectBeams') {
      const { inputs, width, classes, eos, alpha, step, noRepeatNgram } = call;
      // One invocation per input.
      return { entryPoint: 'select_beams', constants: { WG }, workgroups: elementwiseGrid(inputs, WG, device.limits), uniforms: { ...UNUSED, inputs, width, classes, eos, alpha, step, no_repeat_ngram: noRepeatNgram } };
    }
    const { blocks, inRows, outRows, rowWidth } = call;
    return {
      entryPoint: 'gather_rows',
      constants: { WG },
      workgroups: elementwiseGrid(blocks * outRows * rowWidth, WG, device.limits),
      uniforms: { ...UNUSED, blocks, in_rows: inRows, out_rows: outRows, row_width: rowWidth },
    };
  },
  workgroupArrays: noWorkgroupArrays,
};
