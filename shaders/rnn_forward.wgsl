// Persistent Elman RNN forward over one chunk of time steps
// (recurrent_common.wgsl is prepended).
//
//   h̃ = act(pre[t, b] + W_hh h + b_hh),  act = tanh, or relu when RELU
//   ZONEOUT (Krueger et al.): h' = m ⊙ h + (1 − m) ⊙ h̃, m hashed 0/1 when training, the
//     rate in evaluation; else h' = h̃.
//   LAYER_NORM (the lectures' form): h̃ = act(α ⊙ â + b), â the normalised pre + W_hh h over
//     the head's units, pre = X · W_ihᵀ without bias, b = b_ih + b_hh + β.
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
override SAVED: u32 = 2u;       // 4 with LAYER_NORM
override NORM_SIZE: u32 = 1u;   // LAYER_NORM: BT · HS, else 1

const BB: u32 = 4u;
const GATES: u32 = 1u;
const REVERSE = false;
// row_moments reads norm_buf: the pre-activations.
const NORM_VALUES = 0u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, H]
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, H] (W_hh transposed; block diagonal by head)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;  // rows × [D, SAVED, H] when SAVE: h̃, h_prev (LAYER_NORM: â, rstd)
@group(0) @binding(8) var<storage, read> cell_params: array<f32>;  // [D, H] when LAYER_NORM: α

var<workgroup> h_buf: array<f32, 2u * BT * HS>;  // [2][BT][HS], by step parity
var<workgroup> norm_buf: array<f32, NORM_SIZE>;  // LAYER_NORM: [BT][HS] pre-activations

fn load_unit(i: u32, at: u32) { h_buf[i] = h_state[at]; }

fn store_unit(i: u32, at: u32, last: u32) { h_state[at] = h_buf[last + i]; }

fn run_step(tile: Tile, lid: u32, step: Step) {
  let w_base = tile.d * H * H + tile.head0 * H;
  // Work items: (owned unit j, block of BB sequences).
  for (var item = lid; item < (tile.rows + BB - 1u) / BB * tile.units; item += WG) {
    let j = tile.unit0 + item % tile.units;
    let first = (item / tile.units) * BB;
    let rows = block_rows(first, 0u, tile.rows) * HS + step.prev;
    var acc = vec4<f32>(select(b_hh[tile.d * H + j], 0.0, LAYER_NORM));
    for (var k = 0u; k < HS; k++) {
      let hk = vec4<f32>(h_buf[rows.x + k], h_buf[rows.y + k], h_buf[rows.z + k], h_buf[rows.w + k]);
      acc = fma(hk, vec4<f32>(w_hh_t[w_base + k * H + j]), acc);
    }
    for (var r = 0u; r < BB; r++) {
      if (first + r >= tile.rows) { break; }
      if (LAYER_NORM) { norm_buf[local_unit(tile, first + r, j)] = pre_activation(tile, first + r, j, step, acc[r]); } else { finish(tile, first + r, j, step, acc[r]); }
    }
  }
  workgroupBarrier();
  if (LAYER_NORM) {
    row_moments(tile, lid, NORM_VALUES, HS, step.s);
    for (var item = lid; item < tile.rows * tile.units; item += WG) {
      let row = item / tile.units;
      let j = tile.unit0 + item % tile.units;
      let b = tile.b0 + row;
      if (step.s >= sequence_length(b)) { carry(tile, row, j, step); continue; }
      let stats = row_norm(row, HS);
      let rstd = stats.y;
      let normalised = (norm_buf[local_unit(tile, row, j)] - stats.x) * rstd;
      let a = cell_params[tile.d * H + j] * normalised + b_hh[tile.d * H + j];
      emit(tile, row, j, step, select(tanh_clamped(a), relu(a), RELU));
      if (SAVE) {
        let at = unit_index(tile.d, time_of(tile.d, b, step.s), b, SAVED, 2u, j);
        saved[at] = normalised;
        saved[at + H] = rstd;
      }
    }
    workgroupBarrier();
  }
}

// pre + W_hh h of tile row `row`, unit j (0 past the sequence's end).
fn pre_activation(tile: Tile, row: u32, j: u32, step: Step, recurrent: f32) -> f32 {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { return 0.0; }
  return pre[unit_index(tile.d, time_of(tile.d, b, step.s), b, GATES, 0u, j)] + recurrent;
}

fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  return vec2<f32>(norm_buf[row * HS + i], 0.0);
}

fn finish(tile: Tile, row: u32, j: u32, step: Step, recurrent: f32) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { carry(tile, row, j, step); return; }
  let a = pre_activation(tile, row, j, step, recurrent);
  emit(tile, row, j, step, select(tanh_clamped(a), relu(a), RELU));
}

// h' from h̃ (zoneout), to workgroup memory, out and (h̃, h_prev) saved.
fn emit(tile: Tile, row: u32, j: u32, step: Step, h_new: f32) {
  let b = tile.b0 + row;
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let u = local_unit(tile, row, j);
  let h_prev = h_buf[step.prev + u];
  let h = zoneout_mix(1u, params.zoneout_h, h_prev, h_new, t, d, b, j);
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
