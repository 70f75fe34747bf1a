import { describe, expect, it } from 'vitest';
import { Tensor, decodeSafetensors, encodeSafetensors } from '../../src/index.js';
import { compareArrays } from '../checks/compare.js';
import { loadGoldens, networkFor } from '../checks/golden.js';
import { useRuntime } from '../helpers.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-5 };

describe('PyTorch golden files (torch.nn.LSTM / GRU / RNN)', () => {
  const runtime = useRuntime();
  const goldens = loadGoldens();

  it('are all present', () => {
    expect(goldens.map((g) => g.name)).toEqual([
      'gru_l1_batch_first', 'gru_l2_bi_lengths', 'lstm_l1_h64', 'lstm_l2_bi_lengths', 'rnn_relu_l1_nobias', 'rnn_tanh_l2_bi_lengths',
    ]);
  });

  for (const golden of goldens) {
    it(`${golden.name}: loads PyTorch's weights and matches its output and final state within 1e-5`, async () => {
      const rt = runtime();
      const { config, tensors } = golden;
      const network = networkFor(rt, config);
      network.loadSafetensors(golden.bytes, 'weights.');
      const input = Tensor.from(rt, tensors.input!.data, tensors.input!.shape);
      const h0 = tensors.h0 ? Tensor.from(rt, tensors.h0.data, tensors.h0.shape) : undefined;
      const c0 = tensors.c0 ? Tensor.from(rt, tensors.c0.data, tensors.c0.shape) : undefined;
      const result = network.forward(input, { ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}), ...(config.lengths ? { lengths: config.lengths } : {}) });
      const checks = [
        ['output', await result.output.read(), tensors.output!.data],
        ['h_n', await result.h.read(), tensors.h_n!.data],
        ...(result.c ? [['c_n', await result.c.read(), tensors.c_n!.data] as const] : []),
      ] as const;
      for (const [name, actual, expected] of checks) {
        const comparison = compareArrays(actual, expected, TOLERANCE);
        expect(comparison.ok, `${name}: ${comparison.message}`).toBe(true);
      }
      network.dispose();
    });
  }

  it('saveSafetensors writes what PyTorch wrote: same names, shapes and values', async () => {
    const golden = goldens.find((g) => g.name === 'lstm_l2_bi_lengths')!;
    const network = networkFor(runtime(), golden.config);
    network.loadSafetensors(golden.bytes, 'weights.');
    const saved = decodeSafetensors(await network.saveSafetensors({ source: 'test' }));
    expect(saved.metadata).toEqual({ source: 'test' });
    const original = Object.entries(golden.tensors).filter(([name]) => name.startsWith('weights.'));
    expect(Object.keys(saved.tensors)).toEqual(original.map(([name]) => name.slice('weights.'.length)));
    for (const [name, tensor] of original) {
      const back = saved.tensors[name.slice('weights.'.length)]!;
      expect(back.shape).toEqual(tensor.shape);
      expect(Array.from(back.data)).toEqual(Array.from(tensor.data));
    }
    network.dispose();
  });

  it('safetensors: decodes F16, BF16 and F64, and rejects corrupt files with a clear error', () => {
    const encoded = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1.5, -2]) } });
    expect(new DataView(encoded.buffer).getBigUint64(0, true) % 8n).toBe(0n);
    expect(Array.from(decodeSafetensors(encoded).tensors.a!.data)).toEqual([1.5, -2]);

    const handMade = (dtype: string, bytes: number[]): Uint8Array => {
      const header = new TextEncoder().encode(JSON.stringify({ x: { dtype, shape: [2], data_offsets: [0, bytes.length] } }));
      const out = new Uint8Array(8 + header.length + bytes.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
      out.set(header, 8);
      out.set(bytes, 8 + header.length);
      return out;
    };
    // 1.0 and -2.5 in each encoding, little-endian.
    expect(Array.from(decodeSafetensors(handMade('F16', [0x00, 0x3c, 0x00, 0xc1])).tensors.x!.data)).toEqual([1, -2.5]);
    expect(Array.from(decodeSafetensors(handMade('BF16', [0x80, 0x3f, 0x20, 0xc0])).tensors.x!.data)).toEqual([1, -2.5]);
    const f64 = new Uint8Array(new Float64Array([1, -2.5]).buffer);
    expect(Array.from(decodeSafetensors(handMade('F64', Array.from(f64))).tensors.x!.data)).toEqual([1, -2.5]);

    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/expected a safetensors file \(at least 8 bytes\), got 4 bytes/);
    expect(() => decodeSafetensors(handMade('F32', [0, 0, 0, 0]))).toThrow(/tensor x: expected data_offsets inside the data \(4 bytes\) holding 2 × 4 bytes, got \[0, 4\]/);
    expect(() => decodeSafetensors(handMade('U8', [0, 0]))).toThrow(/tensor x: expected dtype one of F32, F64, F16, BF16, I32, got U8/);
  });
});
