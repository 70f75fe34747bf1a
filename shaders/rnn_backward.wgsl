// Persistent Elman RNN backward (BPTT) over one chunk of time steps, in reverse
// (recurrent_common.wgsl is prepended).
//
// From the saved activations (h̃, h_prev) and dL/d out, for each step, with zoneout's mask m
// regenerated from its hash (0 without ZONEOUT):
//   dh = d_out[t] + dh_carry      d_a = (1 − m) · dh · (1 − h̃²)  (tanh)  or  · [h̃ > 0]  (RELU)
//   dh_carry ← W_hhᵀ · d_a + m · dh
// d_a (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh and
// the step's d_a stay in workgroup memory, two barriers per step. Steps past a sequence's
// end pass dh through unchanged and write zero d_a.

override RELU: bool = false;
override ZONEOUT: bool = false;

const GATES: u32 = 1u;
const SAVED: u32 = 2u;
const REVERSE = true;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, 2, H]: h̃, h_prev
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, H] (W_hh transposed; block diagonal by head)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> d_gates: array<f32>;  // rows × [D, H]

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
  if (owned) { d_gates[unit_index(d, t, b, GATES, 0u, j)] = da; }
  da_buf[u] = da;
}
