// Persistent LSTM backward (BPTT) over one chunk of time steps, in reverse.
//
// From the saved activations (i, f, g, o, c_t, c_prev, h_prev) and dL/d out, for each step:
//   dh = d_out[t] + dh_carry           dc = dc_carry + dh · o · (1 − tanh²(c_t))
//   d_i = dc · g · i(1−i)   d_f = dc · c_prev · f(1−f)   d_g = dc · i · (1−g²)   d_o = dh · tanh(c_t) · o(1−o)
//   dc_carry ← dc · f                  dh_carry ← W_hhᵀ · d_gates
// d_gates (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step;
// the weight, bias and input gradients are then GEMMs and column sums over all rows.
//
// Dispatch: (ceil(B / BT), D, 1). Workgroup (x, d) owns sequences [x·BT, x·BT + BT) of
// direction d for processing steps step_begin + step_count − 1 down to step_begin; dh, dc
// and the step's d_gates stay in workgroup memory, two barriers per step. Steps past a
// sequence's end pass dh and dc through unchanged and write zero d_gates.

override H: u32;            // hidden size
override BT: u32;           // sequences per workgroup
override WG: u32 = 256;     // invocations per workgroup
override BB: u32 = 4;       // sequences per work item of the recurrent product: 1, 2 or 4

const GATES: u32 = 4u;
const SAVED: u32 = 7u;

struct RecurrentParams {
  batch: u32,          // B
  steps: u32,          // T
  step_begin: u32,     // lowest processing step of this chunk
  step_count: u32,     // steps in this chunk
  has_lengths: u32,    // 0: every sequence has length `steps`
  state_offset: u32,   // element offset of this layer's [D, B, H] in the state buffers
  directions: u32,     // D
  row_t: u32,          // row of (t, b) is t·row_t + b·row_b: (B, 1) time-major, (1, T) batch-first
  row_b: u32,
}

@group(0) @binding(0) var<uniform> params: RecurrentParams;
@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, 7, H]: i, f, g, o, c_t, c_prev, h_prev
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, 4H] (W_hh transposed)
@group(0) @binding(4) var<storage, read> lengths: array<u32>;        // [B]
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> dc_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> d_gates: array<f32>;  // rows × [D, 4H]

var<workgroup> dg_buf: array<f32, BT * GATES * H>;   // [BT][4H], this step's d_gates
var<workgroup> dh_buf: array<f32, BT * H>;           // [BT][H], dL/dh from later steps
var<workgroup> dc_buf: array<f32, BT * H>;           // [BT][H]

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
    dc_buf[i] = dc_state[state_base + i];
  }
  workgroupBarrier();

  let w_base = d * H * GATES * H;
  for (var ls = params.step_count; ls > 0u; ls--) {
    let s = params.step_begin + ls - 1u;

    // Phase A: gate gradients, elementwise per (row, unit j).
    for (var item = lid; item < tile * H; item += WG) {
      let row = item / H;
      let j = item % H;
      let b = b0 + row;
      let len = sequence_length(b);
      if (s >= len) {
        let zero_at = (row_of(s, b) * D + d) * GATES * H + j;
        for (var g = 0u; g < GATES; g++) {
          d_gates[zero_at + g * H] = 0.0;
          dg_buf[row * GATES * H + g * H + j] = 0.0;
        }
        continue;
      }
      let t = select(s, len - 1u - s, d == 1u);
      let r = row_of(t, b);
      let at = (r * D + d) * SAVED * H + j;
      let gi = saved[at];
      let gf = saved[at + H];
      let gg = saved[at + 2u * H];
      let go = saved[at + 3u * H];
      let tc = tanh(clamp(saved[at + 4u * H], -15.0, 15.0));
      let c_prev = saved[at + 5u * H];
      let dh = d_out[(r * D + d) * H + j] + dh_buf[row * H + j];
      let dc = dc_buf[row * H + j] + dh * go * (1.0 - tc * tc);
      let grads = vec4<f32>(dc * gg * gi * (1.0 - gi), dc * c_prev * gf * (1.0 - gf), dc * gi * (1.0 - gg * gg), dh * tc * go * (1.0 - go));
      dc_buf[row * H + j] = dc * gf;
      let out_at = (r * D + d) * GATES * H + j;
      d_gates[out_at] = grads.x;
      d_gates[out_at + H] = grads.y;
      d_gates[out_at + 2u * H] = grads.z;
      d_gates[out_at + 3u * H] = grads.w;
      dg_buf[row * GATES * H + j] = grads.x;
      dg_buf[row * GATES * H + H + j] = grads.y;
      dg_buf[row * GATES * H + 2u * H + j] = grads.z;
      dg_buf[row * GATES * H + 3u * H + j] = grads.w;
    }
    workgroupBarrier();

    // Phase B: dh_carry = W_hhᵀ · d_gates. A work item is 4 units × BB rows: each weight
    // load (4 contiguous rows of W_hhᵀ-stored) serves BB rows, each d_gates load 4 units.
    let unit_groups = (H + 3u) / 4u;
    let blocks = (tile + BB - 1u) / BB;
    for (var item = lid; item < unit_groups * blocks; item += WG) {
      let k0 = (item % unit_groups) * 4u;
      let first = (item / unit_groups) * BB;
      // Rows past the tile repeat row `first`; units past H repeat unit H − 1. Neither is stored.
      let r1 = select(first, first + 1u, first + 1u < tile);
      let r2 = select(first, first + 2u, first + 2u < tile);
      let r3 = select(first, first + 3u, first + 3u < tile);
      let w0 = w_base + min(k0, H - 1u) * GATES * H;
      let w1 = w_base + min(k0 + 1u, H - 1u) * GATES * H;
      let w2 = w_base + min(k0 + 2u, H - 1u) * GATES * H;
      let w3 = w_base + min(k0 + 3u, H - 1u) * GATES * H;
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      for (var r = 0u; r < GATES * H; r++) {
        let w = vec4<f32>(w_hh_t[w0 + r], w_hh_t[w1 + r], w_hh_t[w2 + r], w_hh_t[w3 + r]);
        acc0 = fma(vec4<f32>(dg_buf[first * GATES * H + r]), w, acc0);
        if (BB > 1u) { acc1 = fma(vec4<f32>(dg_buf[r1 * GATES * H + r]), w, acc1); }
        if (BB > 2u) {
          acc2 = fma(vec4<f32>(dg_buf[r2 * GATES * H + r]), w, acc2);
          acc3 = fma(vec4<f32>(dg_buf[r3 * GATES * H + r]), w, acc3);
        }
      }
      store_dh(b0, first, k0, s, acc0);
      if (BB > 1u && first + 1u < tile) { store_dh(b0, first + 1u, k0, s, acc1); }
      if (BB > 2u && first + 2u < tile) { store_dh(b0, first + 2u, k0, s, acc2); }
      if (BB > 3u && first + 3u < tile) { store_dh(b0, first + 3u, k0, s, acc3); }
    }
    workgroupBarrier();
  }

  for (var i = lid; i < tile * H; i += WG) {
    dh_state[state_base + i] = dh_buf[i];
    dc_state[state_base + i] = dc_buf[i];
  }
}

// dh_carry of tile row `row`, units k0..k0+3 (those below H); rows past their sequence's
// end keep dh unchanged.
fn store_dh(b0: u32, row: u32, k0: u32, s: u32, acc: vec4<f32>) {
  if (s >= sequence_length(b0 + row)) { return; }
  for (var u = 0u; u < 4u; u++) {
    if (k0 + u < H) { dh_buf[row * H + k0 + u] = acc[u]; }
  }
}
