// Persistent Elman RNN backward (BPTT) over one chunk of time steps, in reverse
// (recurrent_common.wgsl is prepended).
//
// From the saved activations (h̃, h_prev) and dL/d out, for each step, with zoneout's mask m
// regenerated from its hash (0 without ZONEOUT):
//   dh = d_out[t] + dh_carry      d_a = (1 − m) · dh · (1 − h̃²)  (tanh)  or  · [h̃ > 0]  (RELU)
//   dh_carry ← W_hhᵀ · d_a + m · dh
// d_a (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step.
//
// LAYER_NORM: d_a is the gradient of α ⊙ â + b (to d_bias, for the biases and α), and
// d_gates = rstd · (dâ − mean(dâ) − â · mean(dâ ⊙ â)) with dâ = α ⊙ d_a (means over the
// head's units) the gradient of pre + W_hh h; dh_carry uses d_gates.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh and
// the step's d_a stay in workgroup memory, two barriers per step. Steps past a sequence's
// end pass dh through unchanged and write zero d_a.

override RELU: bool = false;
override ZONEOUT: bool = false;
override SAVED: u32 = 2u;   // 4 with LAYER_NORM

const GATES: u32 = 1u;
const REVERSE = true;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, SAVED, H]: h̃, h_prev (LAYER_NORM: â, rstd)
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, H] (W_hh transposed; block diagonal by head)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> d_gates: array<f32>;  // rows × [D, H]
@group(0) @binding(7) var<storage, read> cell_params: array<f32>;    // [D, H] when LAYER_NORM: α
@group(0) @binding(8) var<storage, read_write> d_bias: array<f32>;   // rows × [D, H] when LAYER_NORM: of α ⊙ â + b

var<workgroup> da_buf: array<f32, BT * HS>;  // [BT][HS], this step's d_a of the head
var<workgroup> dh_buf: array<f32, BT * HS>;  // [BT][HS], dL/dh from later steps

fn load_unit(i: u32, at: u32) { dh_buf[i] = dh_state[at]; }

fn store_unit(i: u32, at: u32, last: u32) { dh_state[at] = dh_buf[i]; }

fn run_step(tile: Tile, lid: u32, step: Step) {
  // Phase A: d_a per (row, unit j), for every unit of the head (phase B needs them all);
  // only the owned units' go to memory.
  for (var item = lid; item < tile.rows * HS; item += WG) {
    let j = tile.head0 + item % HS;
    gate_gradients(tile, item / HS, j, step.s, owns(tile, j));
  }
  workgroupBarrier();
  if (LAYER_NORM) { norm_gradient(tile, lid, step.s); }

  // Phase B: dh_carry = W_hhᵀ · d_a, per (row, owned unit k).
  for (var item = lid; item < tile.rows * tile.units; item += WG) {
    let row = item / tile.units;
    let k = tile.unit0 + item % tile.units;
    let b = tile.b0 + row;
    if (step.s >= sequence_length(b)) { continue; }
    let w_at = tile.d * H * H + k * H + tile.head0;
    var acc = 0.0;
    for (var j = 0u; j < HS; j++) {
      acc = fma(w_hh_t[w_at + j], da_buf[row * HS + j], acc);
    }
    let u = local_unit(tile, row, k);
    if (ZONEOUT) {
      let t = time_of(tile.d, b, step.s);
      acc += zoneout_weight(1u, params.zoneout_h, t, tile.d, b, k) * (d_out[unit_index(tile.d, t, b, 1u, 0u, k)] + dh_buf[u]);
    }
    dh_buf[u] = acc;
  }
  workgroupBarrier();
}

// Phase A for tile row `row` (sequence b), unit j: d_a to memory and workgroup memory.
fn gate_gradients(tile: Tile, row: u32, j: u32, s: u32, owned: bool) {
  let d = tile.d;
  let b = tile.b0 + row;
  let u = local_unit(tile, row, j);
  var da = 0.0;
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let h = saved[unit_index(d, t, b, SAVED, 0u, j)];
    var m = 0.0;
    if (ZONEOUT) { m = zoneout_weight(1u, params.zoneout_h, t, d, b, j); }
    let dh = (1.0 - m) * (d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[u]);
    da = dh * select(1.0 - h * h, select(0.0, 1.0, h > 0.0), RELU);
  }
  if (LAYER_NORM) {
    if (owned) { d_bias[unit_index(d, t, b, GATES, 0u, j)] = da; }
    da_buf[u] = da * cell_params[d * H + j];
    return;
  }
  if (owned) { d_gates[unit_index(d, t, b, GATES, 0u, j)] = da; }
  da_buf[u] = da;
}

// Saved slot `slot` of tile row `row`, unit j at processing step s; 0 past the sequence's end.
fn saved_at(tile: Tile, row: u32, j: u32, s: u32, slot: u32) -> f32 {
  let b = tile.b0 + row;
  if (s >= sequence_length(b)) { return 0.0; }
  return saved[unit_index(tile.d, time_of(tile.d, b, s), b, SAVED, slot, j)];
}

// (dâ, dâ · â) for unit i of the head.
fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  let grad = da_buf[row * HS + i];
  return vec2<f32>(grad, grad * saved_at(tile, row, tile.head0 + i, s, 2u));
}

// The norm's backward: da_buf (dâ) becomes the gradient of pre + W_hh h, also to d_gates.
fn norm_gradient(tile: Tile, lid: u32, s: u32) {
  sum_rows(tile, lid, 0u, HS, s);
  for (var item = lid; item < tile.rows * HS; item += WG) {
    let row = item / HS;
    let j = tile.head0 + item % HS;
    let b = tile.b0 + row;
    let count = f32(HS);
    let a_hat = saved_at(tile, row, j, s, 2u);
    let sums = row_total(row);
    let da = saved_at(tile, row, j, s, 3u) * (da_buf[item] - sums.x / count - a_hat * sums.y / count);
    da_buf[item] = da;
    if (owns(tile, j)) {
      let t = select(s, time_of(tile.d, b, s), s < sequence_length(b));
      d_gates[unit_index(tile.d, t, b, GATES, 0u, j)] = da;
    }
  }
  workgroupBarrier();
}
