// Persistent GRU backward (BPTT) over one chunk of time steps, in reverse, in either reset
// form (recurrent_common.wgsl is prepended).
//
// From the saved activations (r, z, n, e, h_prev; e = W_hn h + b_hn, or r ⊙ h in Cho's
// form) and dL/d out, for each step, with the forward's masks regenerated from their hash
// (m zoneout, q = D's factor; m = 0 without ZONEOUT, q = 1 without RECURRENT_DROPOUT) and
// dh = (1 − m) · (d_out[t] + dh_carry):
//   dn_pre = dh · (1−z) · q · (1−n²)   d_z = dh · (h_prev − q·n) · z(1−z)
//   direct = dh · z + m · (d_out[t] + dh_carry)
//   RESET_AFTER:  d_r = dn_pre · e · r(1−r)
//                 d_gates   (of X·W_ihᵀ + b_ih)  = (d_r, d_z, dn_pre)
//                 d_gates_h (of W_hh·h + b_hh)   = (d_r, d_z, dn_pre · r)
//                 dh_carry ← W_hhᵀ · d_gates_h + direct
//   Cho's form:   d(r ⊙ h) = W_hnᵀ · dn_pre      d_r = d(r ⊙ h) · h_prev · r(1−r)
//                 d_gates = (d_r, d_z, dn_pre), which is also the gradient of the recurrent
//                 pre-activations (W_hn multiplies r ⊙ h there)
//                 dh_carry ← W_hrᵀ · d_r + W_hzᵀ · d_z + d(r ⊙ h) · r + direct
//
// LAYER_NORM (PyTorch's form only): the recurrent pre-activations are α_h ⊙ r̂ + b, so
// d_gates_h stays their gradient (for b_hh and β_h) and the product W_hh · h gets
// d_recurrent = rstd · (dr̂ − mean(dr̂) − r̂ · mean(dr̂ ⊙ r̂)) with dr̂ = α_h ⊙ d_gates_h (means
// over the head's 3·HS); dh_carry uses d_recurrent.
//
// Workgroups run processing steps step_begin + step_count − 1 down to step_begin; dh and
// the step's gate gradients stay in workgroup memory. Steps past a sequence's end pass dh
// through unchanged and write zero gate gradients.

override BB: u32 = 4;       // sequences per work item of the recurrent product: 1, 2, 4 or 8
override RESET_AFTER: bool = true;
override ZONEOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;
override SAVED: u32 = 5u;   // 9 with LAYER_NORM

const GATES: u32 = 3u;
const REVERSE = true;

@group(0) @binding(1) var<storage, read> saved: array<f32>;          // rows × [D, SAVED, H]: r, z, n, e, h_prev (LAYER_NORM: r̂_r, r̂_z, r̂_n, rstd)
@group(0) @binding(2) var<storage, read> d_out: array<f32>;          // rows × [D, H]: dL/d output
@group(0) @binding(3) var<storage, read> w_hh_t: array<f32>;         // [D, H, 3H] (W_hh transposed; block diagonal by head)
@group(0) @binding(5) var<storage, read_write> dh_state: array<f32>; // [L·D, B, H]; in: dL/dh after chunk, out: before
@group(0) @binding(6) var<storage, read_write> d_gates: array<f32>;  // rows × [D, 3H]: of X·W_ihᵀ + b_ih
@group(0) @binding(7) var<storage, read_write> d_gates_h: array<f32>; // rows × [D, 3H]: of W_hh·h + b_hh (RESET_AFTER only)
@group(0) @binding(8) var<storage, read> cell_params: array<f32>;    // [D, 3H] when LAYER_NORM: α_h
@group(0) @binding(9) var<storage, read_write> d_recurrent: array<f32>; // rows × [D, 3H] when LAYER_NORM: of W_hh · h

var<workgroup> dg_buf: array<f32, BT * GATES * HS>;  // [BT][3][HS], the head's recurrent-side gate gradients
var<workgroup> dh_buf: array<f32, BT * HS>;          // [BT][HS], dL/dh from later steps
var<workgroup> direct: array<f32, BT * HS>;          // [BT][HS], dh reaching h_prev without W_hh

fn load_unit(i: u32, at: u32) { dh_buf[i] = dh_state[at]; }

fn store_unit(i: u32, at: u32, last: u32) { dh_state[at] = dh_buf[i]; }

fn run_step(tile: Tile, lid: u32, step: Step) {
  // Phase A: z and n gradients (and r in PyTorch's form), per (row, unit j).
  // Every unit's of the head (the recurrent product needs them all); only the owned units' go to memory.
  for (var item = lid; item < tile.rows * HS; item += WG) {
    let j = tile.head0 + item % HS;
    gate_gradients(tile, item / HS, j, step.s, owns(tile, j));
  }
  workgroupBarrier();
  if (LAYER_NORM) { recurrent_norm_gradient(tile, lid, step.s); }

  let d = tile.d;
  let b0 = tile.b0;
  let rows = tile.rows;
  let s = step.s;
  let w_base = d * H * GATES * H + tile.head0;

  if (!RESET_AFTER) {
    // Cho's form: d(r ⊙ h) = W_hnᵀ · dn_pre needs every unit's dn_pre; then d_r.
    for (var item = lid; item < rows * HS; item += WG) {
      let row = item / HS;
      let k = tile.head0 + item % HS;
      let b = b0 + row;
      if (s >= sequence_length(b)) { continue; }
      var d_rh = 0.0;
      for (var j = 0u; j < HS; j++) {
        d_rh = fma(w_hh_t[w_base + k * GATES * H + 2u * H + j], dg_buf[row * GATES * HS + 2u * HS + j], d_rh);
      }
      let t = time_of(d, b, s);
      let at = unit_index(d, t, b, SAVED, 0u, k);
      let r = saved[at];
      let dr = d_rh * saved[at + 4u * H] * r * (1.0 - r);
      if (owns(tile, k)) { d_gates[unit_index(d, t, b, GATES, 0u, k)] = dr; }
      dg_buf[row * GATES * HS + item % HS] = dr;
      direct[item] += d_rh * r;
    }
    workgroupBarrier();
  }

  // dh_carry = W_hhᵀ · (recurrent gate gradients) + direct; Cho's n block went through r ⊙ h.
  // A work item is 4 units × BB rows: each weight load serves BB rows, each gradient load 4 units.
  let gates_used = select(2u, GATES, RESET_AFTER);
  let unit_groups = (tile.units + 3u) / 4u;
  for (var item = lid; item < unit_groups * ((rows + BB - 1u) / BB); item += WG) {
    let k0 = tile.unit0 + (item % unit_groups) * 4u;
    let first = (item / unit_groups) * BB;
    // Units past the head repeat its last unit (never stored).
    let w = w_base + min(vec4<u32>(k0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(tile.head0 + HS - 1u)) * GATES * H;
    let g = block_rows(first, 0u, rows) * GATES * HS;
    let g_hi = block_rows(first, 4u, rows) * GATES * HS;
    var acc = array<vec4<f32>, 8>();
    for (var gate = 0u; gate < gates_used; gate++) {
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
      if (first + r < rows) { store_dh(tile, first + r, k0, s, acc[r]); }
    }
  }
  workgroupBarrier();
}

// dh_carry of tile row `row`, units k0..k0+3 (the owned ones): the product plus the direct
// path. Rows past their sequence's end keep dh unchanged.
fn store_dh(tile: Tile, row: u32, k0: u32, s: u32, acc: vec4<f32>) {
  if (s >= sequence_length(tile.b0 + row)) { return; }
  for (var u = 0u; u < 4u; u++) {
    let k = k0 + u;
    if (owns(tile, k)) { dh_buf[local_unit(tile, row, k)] = acc[u] + direct[local_unit(tile, row, k)]; }
  }
}

// Phase A for tile row `row` (sequence b), unit j: gate gradients to memory and workgroup
// memory, and the part of dh_carry that bypasses W_hh.
fn gate_gradients(tile: Tile, row: u32, j: u32, s: u32, owned: bool) {
  let d = tile.d;
  let b = tile.b0 + row;
  let u = local_unit(tile, row, j);
  var input_side = vec3<f32>(0.0);     // of X·W_ihᵀ + b_ih: d_r, d_z, dn_pre
  var recurrent_side = vec3<f32>(0.0); // of W_hh·h + b_hh: d_r, d_z, dn_pre · r (Cho: dn_pre; d_r comes later)
  var t = s;
  if (s < sequence_length(b)) {
    t = time_of(d, b, s);
    let at = unit_index(d, t, b, SAVED, 0u, j);
    let r = saved[at];
    let z = saved[at + H];
    let n = saved[at + 2u * H];
    let e = saved[at + 3u * H];
    let h_prev = saved[at + 4u * H];
    let dh_total = d_out[unit_index(d, t, b, 1u, 0u, j)] + dh_buf[u];
    var m = 0.0;
    if (ZONEOUT) { m = zoneout_weight(1u, params.zoneout_h, t, d, b, j); }
    var q = 1.0;
    if (RECURRENT_DROPOUT) { q = dropout_factor(t, d, b, j); }
    let dh = (1.0 - m) * dh_total;
    let dn_pre = dh * (1.0 - z) * q * (1.0 - n * n);
    let dz = dh * (h_prev - q * n) * z * (1.0 - z);
    direct[u] = dh * z + m * dh_total;
    let dr = select(0.0, dn_pre * e * r * (1.0 - r), RESET_AFTER);
    input_side = vec3<f32>(dr, dz, dn_pre);
    recurrent_side = vec3<f32>(dr, dz, select(dn_pre, dn_pre * r, RESET_AFTER));
  }
  let out_at = unit_index(d, t, b, GATES, 0u, j);
  for (var g = 0u; g < GATES; g++) {
    var dg = recurrent_side[g];
    if (LAYER_NORM) { dg *= cell_params[(d * GATES + g) * H + j]; }
    dg_buf[row * GATES * HS + g * HS + j - tile.head0] = dg;
    if (owned) {
      d_gates[out_at + g * H] = input_side[g];
      if (RESET_AFTER) { d_gates_h[out_at + g * H] = recurrent_side[g]; }
    }
  }
}

// Saved slot `slot` of tile row `row`, unit j at processing step s; 0 past the sequence's end.
fn saved_at(tile: Tile, row: u32, j: u32, s: u32, slot: u32) -> f32 {
  let b = tile.b0 + row;
  if (s >= sequence_length(b)) { return 0.0; }
  return saved[unit_index(tile.d, time_of(tile.d, b, s), b, SAVED, slot, j)];
}

// (dr̂, dr̂ · r̂) for entry i = g·HS + unit of the head.
fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  let grad = dg_buf[row * GATES * HS + i];
  return vec2<f32>(grad, grad * saved_at(tile, row, tile.head0 + i % HS, s, 5u + i / HS));
}

// The recurrent norm's backward: dg_buf (dr̂) becomes the gradient of W_hh · h.
fn recurrent_norm_gradient(tile: Tile, lid: u32, s: u32) {
  sum_rows(tile, lid, 0u, GATES * HS, s);
  for (var item = lid; item < tile.rows * GATES * HS; item += WG) {
    let row = item / (GATES * HS);
    let i = item % (GATES * HS);
    let j = tile.head0 + i % HS;
    let b = tile.b0 + row;
    let count = f32(GATES * HS);
    let r_hat = saved_at(tile, row, j, s, 5u + i / HS);
    let sums = row_total(row);
    let d_r = saved_at(tile, row, j, s, 8u) * (dg_buf[item] - sums.x / count - r_hat * sums.y / count);
    dg_buf[item] = d_r;
    if (owns(tile, j)) {
      let t = select(s, time_of(tile.d, b, s), s < sequence_length(b));
      d_recurrent[unit_index(tile.d, t, b, GATES, i / HS, j)] = d_r;
    }
  }
  workgroupBarrier();
}
