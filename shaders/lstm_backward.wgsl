// Persistent LSTM backward (BPTT) over one chunk of time steps, in reverse
// (recurrent_common.wgsl is prepended).
//
// From the saved activations (i, f, g, o, c_t, c_prev, h_prev) and dL/d out, for each step:
//   dh = d_out[t] + dh_carry           d_o = dh · tanh(c_t) · o(1−o)
//   dc = dc_carry + dh · o · (1 − tanh²(c_t))  (+ d_o · p_o with PEEPHOLE)
//   d_i = dc · g · i(1−i)   d_f = dc · c_prev · f(1−f)   d_g = dc · i · (1−g²)
//   dc_carry ← dc · f  (+ d_i · p_i + d_f · p_f)       dh_carry ← W_hhᵀ · d_gates
// d_gates (the gradient of both X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step;
// the weight, bias and input gradients are then GEMMs and column sums over all rows, and
// with PEEPHOLE the rows of d_peephole (d_i·c_prev, d_f·c_prev, d_o·c_t) are summed likewise.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh, dc
// and the step's d_gates stay in workgroup memory, two barriers per step. Steps past a
// sequence's end pass dh and dc through unchanged and write zero gradients.

override BB: u32 = 4;       // sequences per work item of the recurrent product: 1, 2 or 4
override PEEPHOLE: bool = false;

const GATES: u32 = 4u;
const SAVED: u32 = 7u;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, 7, H]: i, f, g, o, c_t, c_prev, h_prev
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, 4H] (W_hh transposed)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> dc_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> d_gates: array<f32>;  // rows × [D, 4H]
@group(0) @binding(8) var<storage, read> peephole: array<f32>;       // [D, 3H] when PEEPHOLE: p_i, p_f, p_o
@group(0) @binding(9) var<storage, read_write> d_peephole: array<f32>; // rows × [D, 3H] when PEEPHOLE

var<workgroup> dg_buf: array<f32, BT * GATES * H>;   // [BT][4H], this step's d_gates
var<workgroup> dh_buf: array<f32, BT * H>;           // [BT][H], dL/dh from later steps
var<workgroup> dc_buf: array<f32, BT * H>;           // [BT][H]

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = group.y;
  let b0 = group.x * BT;
  let tile = min(BT, params.batch - b0);
  for (var i = lid; i < tile * H; i += WG) {
    dh_buf[i] = dh_state[state_base(d, b0) + i];
    dc_buf[i] = dc_state[state_base(d, b0) + i];
  }
  workgroupBarrier();

  let w_base = d * H * GATES * H;
  for (var ls = params.step_count; ls > 0u; ls--) {
    let s = params.step_begin + ls - 1u;
    // Phase A: gate gradients, elementwise per (row, unit j).
    for (var item = lid; item < tile * H; item += WG) {
      gate_gradients(d, b0 + item / H, item / H, item % H, s);
    }
    workgroupBarrier();

    // Phase B: dh_carry = W_hhᵀ · d_gates. A work item is 4 units × BB rows: each weight
    // load (4 contiguous rows of W_hhᵀ-stored) serves BB rows, each d_gates load 4 units.
    let unit_groups = (H + 3u) / 4u;
    let blocks = (tile + BB - 1u) / BB;
    for (var item = lid; item < unit_groups * blocks; item += WG) {
      let k0 = (item % unit_groups) * 4u;
      let first = (item / unit_groups) * BB;
      // Units past H repeat unit H − 1 (never stored).
      let w0 = w_base + min(k0, H - 1u) * GATES * H;
      let w1 = w_base + min(k0 + 1u, H - 1u) * GATES * H;
      let w2 = w_base + min(k0 + 2u, H - 1u) * GATES * H;
      let w3 = w_base + min(k0 + 3u, H - 1u) * GATES * H;
      let g0 = first * GATES * H;
      let g1 = block_row(first, 1u, tile) * GATES * H;
      let g2 = block_row(first, 2u, tile) * GATES * H;
      let g3 = block_row(first, 3u, tile) * GATES * H;
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      for (var r = 0u; r < GATES * H; r++) {
        let w = vec4<f32>(w_hh_t[w0 + r], w_hh_t[w1 + r], w_hh_t[w2 + r], w_hh_t[w3 + r]);
        acc0 = fma(vec4<f32>(dg_buf[g0 + r]), w, acc0);
        if (BB > 1u) { acc1 = fma(vec4<f32>(dg_buf[g1 + r]), w, acc1); }
        if (BB > 2u) {
          acc2 = fma(vec4<f32>(dg_buf[g2 + r]), w, acc2);
          acc3 = fma(vec4<f32>(dg_buf[g3 + r]), w, acc3);
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
    dh_state[state_base(d, b0) + i] = dh_buf[i];
    dc_state[state_base(d, b0) + i] = dc_buf[i];
  }
}

// Phase A for tile row `row` (sequence b), unit j: d_gates to memory and workgroup memory,
// dc_carry updated.
fn gate_gradients(d: u32, b: u32, row: u32, j: u32, s: u32) {
  var grads = vec4<f32>(0.0);
  var products = vec3<f32>(0.0);
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let at = unit_index(d, t, b, SAVED, 0u, j);
    let gi = saved[at];
    let gf = saved[at + H];
    let gg = saved[at + 2u * H];
    let go = saved[at + 3u * H];
    let c = saved[at + 4u * H];
    let c_prev = saved[at + 5u * H];
    let tc = tanh_clamped(c);
    let dh = d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[row * H + j];
    let d_o = dh * tc * go * (1.0 - go);
    var p = vec3<f32>(0.0);
    if (PEEPHOLE) { p = vec3<f32>(peephole[d * 3u * H + j], peephole[d * 3u * H + H + j], peephole[d * 3u * H + 2u * H + j]); }
    let dc = dc_buf[row * H + j] + dh * go * (1.0 - tc * tc) + d_o * p.z;
    grads = vec4<f32>(dc * gg * gi * (1.0 - gi), dc * c_prev * gf * (1.0 - gf), dc * gi * (1.0 - gg * gg), d_o);
    dc_buf[row * H + j] = dc * gf + grads.x * p.x + grads.y * p.y;
    products = vec3<f32>(grads.x * c_prev, grads.y * c_prev, d_o * c);
  }
  let out_at = unit_index(d, t, b, GATES, 0u, j);
  for (var g = 0u; g < GATES; g++) {
    d_gates[out_at + g * H] = grads[g];
    dg_buf[row * GATES * H + g * H + j] = grads[g];
  }
  if (PEEPHOLE) {
    let p_at = unit_index(d, t, b, 3u, 0u, j);
    for (var g = 0u; g < 3u; g++) { d_peephole[p_at + g * H] = products[g]; }
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
