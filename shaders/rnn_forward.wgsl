// Persistent Elman RNN forward over one chunk of time steps
// (recurrent_common.wgsl is prepended).
//
//   h̃ = act(pre[t, b] + W_hh h + b_hh),  act = tanh, or relu when RELU
//   ZONEOUT (Krueger et al.): h' = m ⊙ h + (1 − m) ⊙ h̃, m hashed 0/1 when training, the
//     rate in evaluation; else h' = h̃.
//
// pre = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h stays in workgroup memory (double buffered), one barrier per step. Invocations take
// work items (unit j, block of 4 sequences) and accumulate the four sequences as a vec4
// over the units k of the head.
//
// Steps s ≥ len_b carry h over unchanged and write zero outputs and activations
// (PyTorch's packed-sequence semantics).

override SAVE: bool = false; // keep activations for backward in `saved`
override RELU: bool = false;
override ZONEOUT: bool = false;

const BB: u32 = 4u;
const GATES: u32 = 1u;
const SAVED: u32 = 2u;
const REVERSE = false;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, H]
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, H] (W_hh transposed; block diagonal by head)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;  // rows × [D, 2, H] when SAVE: h̃, h_prev

var<workgroup> h_buf: array<f32, 2u * BT * HS>;  // [2][BT][HS], by step parity

fn load_unit(i: u32, at: u32) { h_buf[i] = h_state[at]; }

fn store_unit(i: u32, at: u32, last: u32) { h_state[at] = h_buf[last + i]; }

fn run_step(tile: Tile, lid: u32, step: Step) {
  let w_base = tile.d * H * H + tile.head0 * H;
  // Work items: (owned unit j, block of BB sequences).
  for (var item = lid; item < (tile.rows + BB - 1u) / BB * tile.units; item += WG) {
    let j = tile.unit0 + item % tile.units;
    let first = (item / tile.units) * BB;
    let rows = block_rows(first, 0u, tile.rows) * HS + step.prev;
    var acc = vec4<f32>(b_hh[tile.d * H + j]);
    for (var k = 0u; k < HS; k++) {
      let hk = vec4<f32>(h_buf[rows.x + k], h_buf[rows.y + k], h_buf[rows.z + k], h_buf[rows.w + k]);
      acc = fma(hk, vec4<f32>(w_hh_t[w_base + k * H + j]), acc);
    }
    for (var r = 0u; r < BB; r++) {
      if (first + r < tile.rows) { finish(tile, first + r, j, step, acc[r]); }
    }
  }
  workgroupBarrier();
}

fn finish(tile: Tile, row: u32, j: u32, step: Step, recurrent: f32) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { carry(tile, row, j, step); return; }
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let u = local_unit(tile, row, j);
  let h_prev = h_buf[step.prev + u];
  let a = pre[unit_index(d, t, b, GATES, 0u, j)] + recurrent;
  let h_new = select(tanh_clamped(a), relu(a), RELU);
  var h = h_new;
  if (ZONEOUT) {
    let m = zoneout_weight(1u, params.zoneout_h, t, d, b, j);
    h = m * h_prev + (1.0 - m) * h_new;
  }
  h_buf[step.next + u] = h;
  out[unit_index(d, t, b, 1u, 0u, j)] = h;
  if (SAVE) {
    saved[unit_index(d, t, b, SAVED, 0u, j)] = h_new;
    saved[unit_index(d, t, b, SAVED, 1u, j)] = h_prev;
  }
}

// Steps past a sequence's end carry h over and write zero output and activations, so
// backward's GEMMs add nothing.
fn carry(tile: Tile, row: u32, j: u32, step: Step) {
  let b = tile.b0 + row;
  let u = local_unit(tile, row, j);
  h_buf[step.next + u] = h_buf[step.prev + u];
  out[unit_index(tile.d, step.s, b, 1u, 0u, j)] = 0.0;
  if (SAVE) { for (var slot = 0u; slot < SAVED; slot++) { saved[unit_index(tile.d, step.s, b, SAVED, slot, j)] = 0.0; } }
}
