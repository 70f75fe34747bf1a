// Persistent LSTM backward (BPTT) over one chunk of time steps, in reverse
// (recurrent_common.wgsl is prepended).
//
// From the saved activations (i, f, g, o, c̃, c_prev, h_prev) and dL/d out, for each step,
// with the forward's masks regenerated from their hash (m_h, m_c zoneout, q = D's factor):
//   dh = d_out[t] + dh_carry            dh̃ = (1 − m_h) · dh
//   d_o = dh̃ · tanh(c̃) · o(1−o)        dc̃ = (1 − m_c) · dc_carry + dh̃ · o · (1 − tanh²(c̃))  (+ d_o · p_o)
//   d_i = dc̃ · q·g · i(1−i)   d_f = dc̃ · c_prev · f(1−f)   d_g = dc̃ · i · q · (1−g²)
//   dc_carry ← dc̃ · f + m_c · dc_carry  (+ d_i · p_i + d_f · p_f)
//   dh_carry ← W_hhᵀ · d_gates + m_h · dh
// Without ZONEOUT m = 0, without RECURRENT_DROPOUT q = 1.
// LAYER_NORM: dh̃ reaches c̃ through h̃ = o ⊙ tanh(α_c ⊙ ĉ + β_c): d_cn = dh̃ · o · (1 − tanh²),
// dc̃ gains rstd_c · (dĉ − mean(dĉ) − ĉ · mean(dĉ ⊙ ĉ)) with dĉ = α_c ⊙ d_cn (means over the
// head's units), and the recurrent product's gradient is d_recurrent = rstd_h · (dr̂ −
// mean(dr̂) − r̂ · mean(dr̂ ⊙ r̂)) with dr̂ = α_h ⊙ d_gates (over the head's 4·HS); dh_carry
// uses it. Rows of d_cn go to d_cell_terms for the gradients of α_c and β_c.
// Otherwise d_gates (the gradient of both
// X·W_ihᵀ + b_ih and W_hh·h + b_hh) is written for every step; the weight, bias and input
// gradients are then GEMMs and column sums over all rows, and with PEEPHOLE the rows of
// d_peephole (d_i·c_prev, d_f·c_prev, d_o·c̃) are summed likewise.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh, dc
// and the step's d_gates of the tile's head stay in workgroup memory, two barriers per
// step. Steps past a sequence's end pass dh and dc through unchanged and write zero gradients.

override BB: u32 = 4;       // sequences per work item of the recurrent product: 1, 2, 4 or 8
override PEEPHOLE: bool = false;
override ZONEOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;
override SAVED: u32 = 7u;   // 14 with LAYER_NORM

const GATES: u32 = 4u;
const REVERSE = true;
// row_term kinds: (dĉ, dĉ · ĉ) and (dr̂, dr̂ · r̂).
const CELL_TERMS = 0u;
const GATE_TERMS = 1u;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, SAVED, H]: i, f, g, o, c̃, c_prev, h_prev
                                                                     //   (LAYER_NORM: then r̂_i, r̂_f, r̂_g, r̂_o, ĉ, rstd_h, rstd_c)
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, 4H] (W_hh transposed; block diagonal by head)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> dc_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> d_gates: array<f32>;  // rows × [D, 4H]
@group(0) @binding(8) var<storage, read> cell_params: array<f32>;    // [D, 3, H] PEEPHOLE: p_i, p_f, p_o; [D, 6, H] LAYER_NORM: α_h (4), α_c, β_c
@group(0) @binding(9) var<storage, read_write> d_cell_terms: array<f32>; // rows × [D, 3, H] PEEPHOLE: d_i·c_prev, d_f·c_prev, d_o·c̃; rows × [D, 1, H] LAYER_NORM: d_cn
@group(0) @binding(10) var<storage, read_write> d_recurrent: array<f32>; // rows × [D, 4H] when LAYER_NORM: of W_hh · h

var<workgroup> dg_buf: array<f32, BT * GATES * HS>;  // [BT][4][HS], this step's d_gates of the head
var<workgroup> dh_buf: array<f32, BT * HS>;          // [BT][HS], dL/dh from later steps
var<workgroup> dc_buf: array<f32, BT * HS>;          // [BT][HS]

fn load_unit(i: u32, at: u32) {
  dh_buf[i] = dh_state[at];
  dc_buf[i] = dc_state[at];
}

fn store_unit(i: u32, at: u32, last: u32) {
  dh_state[at] = dh_buf[i];
  dc_state[at] = dc_buf[i];
}

fn run_step(tile: Tile, lid: u32, step: Step) {
  // Phase A: gate gradients, elementwise per (row, unit j), for every unit of the head
  // (phase B needs them all); only the owned units' go to memory.
  if (LAYER_NORM) {
    normed_gate_gradients(tile, lid, step.s);
  } else {
    for (var item = lid; item < tile.rows * HS; item += WG) {
      let j = tile.head0 + item % HS;
      gate_gradients(tile, item / HS, j, step.s, owns(tile, j));
    }
    workgroupBarrier();
  }

  // Phase B: dh_carry = W_hhᵀ · d_gates over the head's gate rows. A work item is 4 units
  // × BB rows: each weight load (4 rows of W_hhᵀ-stored) serves BB rows, each d_gates load 4 units.
  let w_base = tile.d * H * GATES * H + tile.head0;
  let unit_groups = (tile.units + 3u) / 4u;
  for (var item = lid; item < unit_groups * ((tile.rows + BB - 1u) / BB); item += WG) {
    let k0 = tile.unit0 + (item % unit_groups) * 4u;
    let first = (item / unit_groups) * BB;
    // Units past the head repeat its last unit (never stored).
    let w = w_base + min(vec4<u32>(k0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(tile.head0 + HS - 1u)) * GATES * H;
    let g = block_rows(first, 0u, tile.rows) * GATES * HS;
    let g_hi = block_rows(first, 4u, tile.rows) * GATES * HS;
    var acc = array<vec4<f32>, 8>();
    for (var gate = 0u; gate < GATES; gate++) {
      for (var r = 0u; r < HS; r++) {
        let col = gate * H + r;
        let at = gate * HS + r;
        let wr = vec4<f32>(w_hh_t[w.x + col], w_hh_t[w.y + col], w_hh_t[w.z + col], w_hh_t[w.w + col]);
        acc[0] = fma(vec4<f32>(dg_buf[g.x + at]), wr, acc[0]);
        if (BB > 1u) { acc[1] = fma(vec4<f32>(dg_buf[g.y + at]), wr, acc[1]); }
        if (BB > 2u) {
          acc[2] = fma(vec4<f32>(dg_buf[g.z + at]), wr, acc[2]);
          acc[3] = fma(vec4<f32>(dg_buf[g.w + at]), wr, acc[3]);
        }
        if (BB > 4u) {
          acc[4] = fma(vec4<f32>(dg_buf[g_hi.x + at]), wr, acc[4]);
          acc[5] = fma(vec4<f32>(dg_buf[g_hi.y + at]), wr, acc[5]);
          acc[6] = fma(vec4<f32>(dg_buf[g_hi.z + at]), wr, acc[6]);
          acc[7] = fma(vec4<f32>(dg_buf[g_hi.w + at]), wr, acc[7]);
        }
      }
    }
    for (var r = 0u; r < BB; r++) {
      if (first + r < tile.rows) { store_dh(tile, first + r, k0, step.s, acc[r]); }
    }
  }
  workgroupBarrier();
}

// Phase A for tile row `row`, unit j: d_gates to memory and workgroup memory, dc_carry updated.
fn gate_gradients(tile: Tile, row: u32, j: u32, s: u32, owned: bool) {
  let d = tile.d;
  let b = tile.b0 + row;
  let u = local_unit(tile, row, j);
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
    var q = 1.0;
    if (RECURRENT_DROPOUT) { q = dropout_factor(t, d, b, j); }
    var m_h = 0.0;
    var m_c = 0.0;
    if (ZONEOUT) {
      m_h = zoneout_weight(1u, params.zoneout_h, t, d, b, j);
      m_c = zoneout_weight(2u, params.zoneout_c, t, d, b, j);
    }
    let tc = tanh_clamped(c);
    let dh = (1.0 - m_h) * (d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[u]);
    let d_o = dh * tc * go * (1.0 - go);
    var p = vec3<f32>(0.0);
    if (PEEPHOLE) { p = vec3<f32>(cell_param(d, 0u, j), cell_param(d, 1u, j), cell_param(d, 2u, j)); }
    let dc = (1.0 - m_c) * dc_buf[u] + dh * go * (1.0 - tc * tc) + d_o * p.z;
    grads = vec4<f32>(dc * q * gg * gi * (1.0 - gi), dc * c_prev * gf * (1.0 - gf), dc * gi * q * (1.0 - gg * gg), d_o);
    dc_buf[u] = dc * gf + grads.x * p.x + grads.y * p.y + m_c * dc_buf[u];
    products = vec3<f32>(grads.x * c_prev, grads.y * c_prev, d_o * c);
  }
  let out_at = unit_index(d, t, b, GATES, 0u, j);
  for (var g = 0u; g < GATES; g++) {
    if (owned) { d_gates[out_at + g * H] = grads[g]; }
    dg_buf[row * GATES * HS + g * HS + j - tile.head0] = grads[g];
  }
  if (PEEPHOLE && owned) {
    let p_at = unit_index(d, t, b, 3u, 0u, j);
    for (var g = 0u; g < 3u; g++) { d_cell_terms[p_at + g * H] = products[g]; }
  }
}

// Parameter `slot` of unit j in cell_params ([D, slots, H]).
fn cell_param(d: u32, slot: u32, j: u32) -> f32 {
  let slots = select(3u, 6u, LAYER_NORM);
  return cell_params[(d * slots + slot) * H + j];
}

// Saved slot `slot` of tile row `row`, unit j at processing step s; 0 past the sequence's end.
fn saved_at(tile: Tile, row: u32, j: u32, s: u32, slot: u32) -> f32 {
  let b = tile.b0 + row;
  if (s >= sequence_length(b)) { return 0.0; }
  return saved[unit_index(tile.d, time_of(tile.d, b, s), b, SAVED, slot, j)];
}

fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  // CELL_TERMS: i is a unit of the head, dĉ waits in gate slot 0; GATE_TERMS: i = g·HS + unit.
  let unit = tile.head0 + i % HS;
  let normalised = saved_at(tile, row, unit, s, select(7u + i / HS, 11u, which == CELL_TERMS));
  let grad = dg_buf[row * GATES * HS + i];
  return vec2<f32>(grad, grad * normalised);
}

// Phase A with LAYER_NORM: three elementwise passes around the two norms' sums.
fn normed_gate_gradients(tile: Tile, lid: u32, s: u32) {
  for (var item = lid; item < tile.rows * HS; item += WG) {
    let j = tile.head0 + item % HS;
    cell_norm_gradient(tile, item / HS, j, s, owns(tile, j));
  }
  workgroupBarrier();
  sum_rows(tile, lid, CELL_TERMS, HS, s);
  for (var item = lid; item < tile.rows * HS; item += WG) {
    let j = tile.head0 + item % HS;
    normed_cell_gradient(tile, item / HS, j, s, owns(tile, j));
  }
  workgroupBarrier();
  sum_rows(tile, lid, GATE_TERMS, GATES * HS, s);
  for (var item = lid; item < tile.rows * GATES * HS; item += WG) {
    let row = item / (GATES * HS);
    let i = item % (GATES * HS);
    let j = tile.head0 + i % HS;
    let b = tile.b0 + row;
    let count = f32(GATES * HS);
    let r_hat = saved_at(tile, row, j, s, 7u + i / HS);
    let rstd = saved_at(tile, row, j, s, 12u);
    let sums = row_total(row);
    let d_r = rstd * (dg_buf[item] - sums.x / count - r_hat * sums.y / count);
    dg_buf[item] = d_r;
    if (owns(tile, j)) {
      let t = select(s, time_of(tile.d, b, s), s < sequence_length(b));
      d_recurrent[unit_index(tile.d, t, b, GATES, i / HS, j)] = d_r;
    }
  }
  workgroupBarrier();
}

// First pass: dh̃ through h̃ = o ⊙ tanh(α_c ĉ + β_c): d_o and dĉ to dg_buf (slots o and i),
// d_cn to d_cell_terms.
fn cell_norm_gradient(tile: Tile, row: u32, j: u32, s: u32, owned: bool) {
  let d = tile.d;
  let b = tile.b0 + row;
  var d_o = 0.0;
  var d_cn = 0.0;
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let at = unit_index(d, t, b, SAVED, 0u, j);
    let go = saved[at + 3u * H];
    var m_h = 0.0;
    if (ZONEOUT) { m_h = zoneout_weight(1u, params.zoneout_h, t, d, b, j); }
    let dh = (1.0 - m_h) * (d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[local_unit(tile, row, j)]);
    let tc = tanh_clamped(cell_param(d, 4u, j) * saved[at + 11u * H] + cell_param(d, 5u, j));
    d_o = dh * tc * go * (1.0 - go);
    d_cn = dh * go * (1.0 - tc * tc);
  }
  let g_at = row * GATES * HS + j - tile.head0;
  dg_buf[g_at] = d_cn * cell_param(d, 4u, j);
  dg_buf[g_at + 3u * HS] = d_o;
  if (owned) { d_cell_terms[unit_index(d, t, b, 1u, 0u, j)] = d_cn; }
}

// Second pass: dc̃ from the cell norm's backward, the gate gradients (to d_gates), dc_carry,
// and dr̂ = α_h ⊙ d_gates to dg_buf for the recurrent norm's backward.
fn normed_cell_gradient(tile: Tile, row: u32, j: u32, s: u32, owned: bool) {
  let d = tile.d;
  let b = tile.b0 + row;
  let g_at = row * GATES * HS + j - tile.head0;
  var grads = vec4<f32>(0.0);
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let at = unit_index(d, t, b, SAVED, 0u, j);
    let gi = saved[at];
    let gf = saved[at + H];
    let gg = saved[at + 2u * H];
    let c_prev = saved[at + 5u * H];
    var q = 1.0;
    if (RECURRENT_DROPOUT) { q = dropout_factor(t, d, b, j); }
    var m_c = 0.0;
    if (ZONEOUT) { m_c = zoneout_weight(2u, params.zoneout_c, t, d, b, j); }
    let count = f32(HS);
    let c_hat = saved[at + 11u * H];
    let sums = row_total(row);
    let dc_norm = saved[at + 13u * H] * (dg_buf[g_at] - sums.x / count - c_hat * sums.y / count);
    let u = local_unit(tile, row, j);
    let dc = (1.0 - m_c) * dc_buf[u] + dc_norm;
    grads = vec4<f32>(dc * q * gg * gi * (1.0 - gi), dc * c_prev * gf * (1.0 - gf), dc * gi * q * (1.0 - gg * gg), dg_buf[g_at + 3u * HS]);
    dc_buf[u] = dc * gf + m_c * dc_buf[u];
  }
  let out_at = unit_index(d, t, b, GATES, 0u, j);
  for (var g = 0u; g < GATES; g++) {
    if (owned) { d_gates[out_at + g * H] = grads[g]; }
    dg_buf[g_at + g * HS] = grads[g] * cell_param(d, g, j);
  }
}

// dh_carry of tile row `row`, units k0..k0+3 (the owned ones), plus zoneout's direct path;
// rows past their sequence's end keep dh unchanged.
fn store_dh(tile: Tile, row: u32, k0: u32, s: u32, acc: vec4<f32>) {
  let b = tile.b0 + row;
  if (s >= sequence_length(b)) { return; }
  let t = time_of(tile.d, b, s);
  for (var u = 0u; u < 4u; u++) {
    let k = k0 + u;
    if (!owns(tile, k)) { continue; }
    let at = local_unit(tile, row, k);
    var direct = 0.0;
    if (ZONEOUT) {
      direct = zoneout_weight(1u, params.zoneout_h, t, tile.d, b, k) * (d_out[unit_index(tile.d, t, b, 1u, 0u, k)] + dh_buf[at]);
    }
    dh_buf[at] = acc[u] + direct;
  }
}
