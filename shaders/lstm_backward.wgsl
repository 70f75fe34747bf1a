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

override BB: u32 = 4;       // sequences per work item of the recurrent product: 1, 2, 4 or 8
override PEEPHOLE: bool = false;

const GATES: u32 = 4u;
const SAVED: u32 = 7u;
const REVERSE = true;

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

fn load_unit(tile: Tile, i: u32) {
  dh_buf[i] = dh_state[tile.state + i];
  dc_buf[i] = dc_state[tile.state + i];
}

fn store_unit(tile: Tile, i: u32, last: u32) {
  dh_state[tile.state_out + i] = dh_buf[i];
  dc_state[tile.state_out + i] = dc_buf[i];
}

fn run_step(tile: Tile, lid: u32, step: Step) {
  // Phase A: gate gradients, elementwise per (row, unit j), for every unit (phase B needs
  // them all); only the owned units' go to memory.
  for (var item = lid; item < tile.rows * H; item += WG) {
    gate_gradients(tile.d, tile.b0 + item / H, item / H, item % H, step.s, owns(tile, item % H));
  }
  workgroupBarrier();

  // Phase B: dh_carry = W_hhᵀ · d_gates. A work item is 4 units × BB rows: each weight
  // load (4 contiguous rows of W_hhᵀ-stored) serves BB rows, each d_gates load 4 units.
  let w_base = tile.d * H * GATES * H;
  let unit_groups = (tile.units + 3u) / 4u;
  for (var item = lid; item < unit_groups * ((tile.rows + BB - 1u) / BB); item += WG) {
    let k0 = tile.unit0 + (item % unit_groups) * 4u;
    let first = (item / unit_groups) * BB;
    // Units past H repeat unit H − 1 (never stored).
    let w = w_base + min(vec4<u32>(k0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(H - 1u)) * GATES * H;
    let g = block_rows(first, 0u, tile.rows) * GATES * H;
    let g_hi = block_rows(first, 4u, tile.rows) * GATES * H;
    var acc = array<vec4<f32>, 8>();
    for (var r = 0u; r < GATES * H; r++) {
      let wr = vec4<f32>(w_hh_t[w.x + r], w_hh_t[w.y + r], w_hh_t[w.z + r], w_hh_t[w.w + r]);
      acc[0] = fma(vec4<f32>(dg_buf[g.x + r]), wr, acc[0]);
      if (BB > 1u) { acc[1] = fma(vec4<f32>(dg_buf[g.y + r]), wr, acc[1]); }
      if (BB > 2u) {
        acc[2] = fma(vec4<f32>(dg_buf[g.z + r]), wr, acc[2]);
        acc[3] = fma(vec4<f32>(dg_buf[g.w + r]), wr, acc[3]);
      }
      if (BB > 4u) {
        acc[4] = fma(vec4<f32>(dg_buf[g_hi.x + r]), wr, acc[4]);
        acc[5] = fma(vec4<f32>(dg_buf[g_hi.y + r]), wr, acc[5]);
        acc[6] = fma(vec4<f32>(dg_buf[g_hi.z + r]), wr, acc[6]);
        acc[7] = fma(vec4<f32>(dg_buf[g_hi.w + r]), wr, acc[7]);
      }
    }
    for (var r = 0u; r < BB; r++) {
      if (first + r < tile.rows) { store_dh(tile, first + r, k0, step.s, acc[r]); }
    }
  }
  workgroupBarrier();
}

// Phase A for tile row `row` (sequence b), unit j: d_gates to memory and workgroup memory,
// dc_carry updated.
fn gate_gradients(d: u32, b: u32, row: u32, j: u32, s: u32, owned: bool) {
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
    if (owned) { d_gates[out_at + g * H] = grads[g]; }
    dg_buf[row * GATES * H + g * H + j] = grads[g];
  }
  if (PEEPHOLE && owned) {
    let p_at = unit_index(d, t, b, 3u, 0u, j);
    for (var g = 0u; g < 3u; g++) { d_peephole[p_at + g * H] = products[g]; }
  }
}

// dh_carry of tile row `row`, units k0..k0+3 (the owned ones); rows past their sequence's
// end keep dh unchanged.
fn store_dh(tile: Tile, row: u32, k0: u32, s: u32, acc: vec4<f32>) {
  if (s >= sequence_length(tile.b0 + row)) { return; }
  for (var u = 0u; u < 4u; u++) {
    if (owns(tile, k0 + u)) { dh_buf[row * H + k0 + u] = acc[u]; }
  }
}
