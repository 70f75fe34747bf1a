// Persistent Elman RNN backward (BPTT) over one chunk of time steps, in reverse.
//
// From the saved activations (h_t, h_prev) and dL/d out, for each step:
//   dh = d_out[t] + dh_carry      d_a = dh · (1 − h_t²)  (tanh)  or  dh · [h_t > 0]  (RELU)
//   dh_carry ← W_hhᵀ · d_a
// d_a (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step.
//
// Dispatch: (ceil(B / BT), D, 1). Workgroup (x, d) owns sequences [x·BT, x·BT + BT) of
// direction d for processing steps step_begin + step_count − 1 down to step_begin; dh and
// the step's d_a stay in workgroup memory, two barriers per step. Steps past a sequence's
// end pass dh through unchanged and write zero d_a.

override H: u32;            // hidden size
override BT: u32;           // sequences per workgroup
override WG: u32 = 256;     // invocations per workgroup
override RELU: bool = false;

const SAVED: u32 = 2u;

struct RecurrentParams {
  batch: u32,          // B
  steps: u32,          // T
  step_begin: u32,     // lowest processing step of this chunk
  step_count: u32,     // steps in this chunk
  has_lengths: u32,    // 0: every sequence has length `steps`
  state_offset: u32,   // element offset of this layer's [D, B, H] in dh_state
  directions: u32,     // D
  row_t: u32,          // row of (t, b) is t·row_t + b·row_b: (B, 1) time-major, (1, T) batch-first
  row_b: u32,
}

@group(0) @binding(0) var<uniform> params: RecurrentParams;
@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, 2, H]: h_t, h_prev
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, H] (W_hh transposed)
@group(0) @binding(4) var<storage, read> lengths: array<u32>;        // [B]
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> d_gates: array<f32>;  // rows × [D, H]

var<workgroup> da_buf: array<f32, BT * H>;   // [BT][H], this step's d_a
var<workgroup> dh_buf: array<f32, BT * H>;   // [BT][H], dL/dh from later steps

fn sequence_length(b: u32) -> u32 {
  if (params.has_lengths == 0u) { return params.steps; }
  return lengths[b];
}

fn row_of(t: u32, b: u32) -> u32 {
  return t * params.row_t + b * params.row_b;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = group.y;
  let b0 = group.x * BT;
  let tile = min(BT, params.batch - b0);
  let state_base = params.state_offset + (d * params.batch + b0) * H;
  let D = params.directions;

  for (var i = lid; i < tile * H; i += WG) {
    dh_buf[i] = dh_state[state_base + i];
  }
  workgroupBarrier();

  for (var ls = params.step_count; ls > 0u; ls--) {
    let s = params.step_begin + ls - 1u;

    for (var item = lid; item < tile * H; item += WG) {
      let row = item / H;
      let j = item % H;
      let b = b0 + row;
      let len = sequence_length(b);
      if (s >= len) {
        d_gates[(row_of(s, b) * D + d) * H + j] = 0.0;
        da_buf[row * H + j] = 0.0;
        continue;
      }
      let r = row_of(select(s, len - 1u - s, d == 1u), b);
      let h = saved[(r * D + d) * SAVED * H + j];
      let dh = d_out[(r * D + d) * H + j] + dh_buf[row * H + j];
      let da = dh * select(1.0 - h * h, select(0.0, 1.0, h > 0.0), RELU);
      d_gates[(r * D + d) * H + j] = da;
      da_buf[row * H + j] = da;
    }
    workgroupBarrier();

    for (var item = lid; item < tile * H; item += WG) {
      let row = item / H;
      let k = item % H;
      if (s >= sequence_length(b0 + row)) { continue; }
      let w_at = d * H * H + k * H;
      var acc = 0.0;
      for (var j = 0u; j < H; j++) {
        acc = fma(w_hh_t[w_at + j], da_buf[row * H + j], acc);
      }
      dh_buf[row * H + k] = acc;
    }
    workgroupBarrier();
  }

  for (var i = lid; i < tile * H; i += WG) {
    dh_state[state_base + i] = dh_buf[i];
  }
}
