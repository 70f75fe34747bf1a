// Persistent Elman RNN backward (BPTT) over one chunk of time steps, in reverse
// (recurrent_common.wgsl is prepended).
//
// From the saved activations (h_t, h_prev) and dL/d out, for each step:
//   dh = d_out[t] + dh_carry      d_a = dh · (1 − h_t²)  (tanh)  or  dh · [h_t > 0]  (RELU)
//   dh_carry ← W_hhᵀ · d_a
// d_a (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh and
// the step's d_a stay in workgroup memory, two barriers per step. Steps past a sequence's
// end pass dh through unchanged and write zero d_a.

override RELU: bool = false;

const GATES: u32 = 1u;
const SAVED: u32 = 2u;
const REVERSE = true;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, 2, H]: h_t, h_prev
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, H] (W_hh transposed)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> d_gates: array<f32>;  // rows × [D, H]

var<workgroup> da_buf: array<f32, BT * H>;   // [BT][H], this step's d_a
var<workgroup> dh_buf: array<f32, BT * H>;   // [BT][H], dL/dh from later steps

fn load_unit(tile: Tile, i: u32) { dh_buf[i] = dh_state[tile.state + i]; }

fn store_unit(tile: Tile, i: u32, last: u32) { dh_state[tile.state_out + i] = dh_buf[i]; }

fn run_step(tile: Tile, lid: u32, step: Step) {
  // Phase A: d_a per (row, unit j), for every unit (phase B needs them all); only the
  // owned units' go to memory.
  for (var item = lid; item < tile.rows * H; item += WG) { gate_gradients(tile.d, tile.b0 + item / H, item / H, item % H, step.s, owns(tile, item % H)); }
  workgroupBarrier();

  // Phase B: dh_carry = W_hhᵀ · d_a, per (row, owned unit k).
  for (var item = lid; item < tile.rows * tile.units; item += WG) {
    let row = item / tile.units;
    let k = tile.unit0 + item % tile.units;
    if (step.s >= sequence_length(tile.b0 + row)) { continue; }
    let w_at = tile.d * H * H + k * H;
    var acc = 0.0;
    for (var j = 0u; j < H; j++) {
      acc = fma(w_hh_t[w_at + j], da_buf[row * H + j], acc);
    }
    dh_buf[row * H + k] = acc;
  }
  workgroupBarrier();
}

// Phase A for tile row `row` (sequence b), unit j: d_a to memory and workgroup memory.
fn gate_gradients(d: u32, b: u32, row: u32, j: u32, s: u32, owned: bool) {
  var da = 0.0;
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let h = saved[unit_index(d, t, b, SAVED, 0u, j)];
    let dh = d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[row * H + j];
    da = dh * select(1.0 - h * h, select(0.0, 1.0, h > 0.0), RELU);
  }
  if (owned) { d_gates[unit_index(d, t, b, GATES, 0u, j)] = da; }
  da_buf[row * H + j] = da;
}
