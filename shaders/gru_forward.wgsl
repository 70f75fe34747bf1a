// Persistent GRU forward over one chunk of time steps, in either reset form
// (gates r, z, n; recurrent_common.wgsl is prepended).
//
//   r = σ(x_r + W_hr h + b_hr),  z = σ(x_z + W_hz h + b_hz)
//   RESET_AFTER (PyTorch):  n = tanh(x_n + r ⊙ (W_hn h + b_hn))
//   otherwise (Cho et al.): n = tanh(x_n + W_hn (r ⊙ h) + b_hn)
//   h̃ = (1 − z) ⊙ D(n) + z ⊙ h
//   RECURRENT_DROPOUT (Semeniuta et al.): D scales n by a hashed 0 or 1/(1 − p); else D = 1.
//   ZONEOUT (Krueger et al.): h' = m ⊙ h + (1 − m) ⊙ h̃, m hashed 0/1 when training, the
//     rate in evaluation; else h' = h̃.
//   LAYER_NORM (PyTorch's form only): W_hh h + b_hh becomes α_h ⊙ r̂ + b, r̂ the normalised
//     W_hh · h over the head's 3·HS products, b = b_hh + β_h; x is already LN(X · W_ihᵀ) + b_ih.
//
// x = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h stays in workgroup memory (double buffered). Invocations take work items (unit j,
// block of BB sequences) and accumulate the three gates of unit j as one vec4 over the
// units k of its head. Cho's form
// needs r ⊙ h for every unit before W_hn applies, so it adds a barrier and a second product.
//
// Steps s ≥ len_b carry h over unchanged and write zero outputs and activations
// (PyTorch's packed-sequence semantics).

override BB: u32 = 4;       // sequences per work item: 1, 2 or 4
override SAVE: bool = false; // keep activations for backward in `saved`
override RESET_AFTER: bool = true;
override AUX_SIZE: u32 = 1; // 2·BT·HS for Cho's form (r ⊙ h and z), else 1
override ZONEOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;
override SAVED: u32 = 5u;       // 9 with LAYER_NORM
override NORM_SIZE: u32 = 1u;   // LAYER_NORM: BT · 3 · HS, else 1

const GATES: u32 = 3u;
const REVERSE = false;
// row_moments reads norm_buf: the recurrent products.
const NORM_VALUES = 0u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, 3H]
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, 3H] (W_hh transposed; block diagonal by head)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, 3H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;  // rows × [D, SAVED, H] when SAVE: r, z, n, W_hn h + b_hn (or r ⊙ h), h_prev
                                                                   //   (LAYER_NORM: then r̂_r, r̂_z, r̂_n, rstd)
@group(0) @binding(8) var<storage, read> cell_params: array<f32>;  // [D, 3H] when LAYER_NORM: α_h

var<workgroup> h_buf: array<f32, 2u * BT * HS>;  // [2][BT][HS], by step parity
var<workgroup> aux: array<f32, AUX_SIZE>;        // Cho's form: [BT][HS] of r ⊙ h, then [BT][HS] of z
var<workgroup> norm_buf: array<f32, NORM_SIZE>;  // LAYER_NORM: [BT][3][HS] recurrent products

fn load_unit(i: u32, at: u32) { h_buf[i] = h_state[at]; }

fn store_unit(i: u32, at: u32, last: u32) { h_state[at] = h_buf[last + i]; }

fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  return vec2<f32>(norm_buf[row * GATES * HS + i], 0.0);
}

fn run_step(tile: Tile, lid: u32, step: Step) {
  let w_base = tile.d * H * GATES * H + tile.head0 * GATES * H;
  let bias_base = tile.d * GATES * H;
  // Work items: (unit j, block of BB sequences), over the owned units; Cho's form needs
  // r ⊙ h of every unit of the head before its second product, so its first phase covers them all.
  let unit0 = select(tile.head0, tile.unit0, RESET_AFTER);
  let units = select(HS, tile.units, RESET_AFTER);
  for (var item = lid; item < (tile.rows + BB - 1u) / BB * units; item += WG) {
    let j = unit0 + item % units;
    let first = (item / units) * BB;
    let rows = block_rows(first, 0u, tile.rows) * HS + step.prev;
    // Recurrent products of r, z (and n in PyTorch's form) for up to four sequences.
    var acc = array<vec4<f32>, 4>();
    for (var k = 0u; k < HS; k++) {
      let w_at = w_base + k * GATES * H + j;
      let w_n = select(0.0, w_hh_t[w_at + 2u * H], RESET_AFTER);
      let w = vec4<f32>(w_hh_t[w_at], w_hh_t[w_at + H], w_n, 0.0);
      acc[0] = fma(vec4<f32>(h_buf[rows.x + k]), w, acc[0]);
      if (BB > 1u) { acc[1] = fma(vec4<f32>(h_buf[rows.y + k]), w, acc[1]); }
      if (BB > 2u) {
        acc[2] = fma(vec4<f32>(h_buf[rows.z + k]), w, acc[2]);
        acc[3] = fma(vec4<f32>(h_buf[rows.w + k]), w, acc[3]);
      }
    }
    let bias = vec4<f32>(b_hh[bias_base + j], b_hh[bias_base + H + j], b_hh[bias_base + 2u * H + j], 0.0);
    for (var r = 0u; r < BB; r++) {
      if (first + r >= tile.rows) { break; }
      if (LAYER_NORM) {
        let at = (first + r) * GATES * HS + j - tile.head0;
        for (var g = 0u; g < GATES; g++) { norm_buf[at + g * HS] = acc[r][g]; }
      } else if (RESET_AFTER) {
        finish_after(tile, first + r, j, step, acc[r] + bias);
      } else {
        gates_before(tile, first + r, j, step, acc[r] + bias);
      }
    }
  }

  if (LAYER_NORM) {
    workgroupBarrier();
    row_moments(tile, lid, NORM_VALUES, GATES * HS, step.s);
    for (var item = lid; item < tile.rows * tile.units; item += WG) {
      let row = item / tile.units;
      let j = tile.unit0 + item % tile.units;
      let at = row * GATES * HS + j - tile.head0;
      let stats = row_norm(row, GATES * HS);
      let rstd = stats.y;
      let normalised = (vec3<f32>(norm_buf[at], norm_buf[at + HS], norm_buf[at + 2u * HS]) - stats.x) * rstd;
      let alpha = vec3<f32>(cell_params[bias_base + j], cell_params[bias_base + H + j], cell_params[bias_base + 2u * H + j]);
      let bias = vec3<f32>(b_hh[bias_base + j], b_hh[bias_base + H + j], b_hh[bias_base + 2u * H + j]);
      finish_after(tile, row, j, step, vec4<f32>(alpha * normalised + bias, 0.0));
      let b = tile.b0 + row;
      if (SAVE && step.s < sequence_length(b)) {
        let s_at = unit_index(tile.d, time_of(tile.d, b, step.s), b, SAVED, 5u, j);
        for (var g = 0u; g < GATES; g++) { saved[s_at + g * H] = normalised[g]; }
        saved[s_at + 3u * H] = rstd;
      }
    }
  }

  if (!RESET_AFTER) {
    workgroupBarrier();
    // Second product: W_hn · (r ⊙ h), four sequences per vec4.
    for (var item = lid; item < (tile.rows + BB - 1u) / BB * tile.units; item += WG) {
      let j = tile.unit0 + item % tile.units;
      let first = (item / tile.units) * BB;
      let rows = block_rows(first, 0u, tile.rows) * HS;
      var acc = vec4<f32>(0.0);
      for (var k = 0u; k < HS; k++) {
        let rh = vec4<f32>(aux[rows.x + k], aux[rows.y + k], aux[rows.z + k], aux[rows.w + k]);
        acc = fma(rh, vec4<f32>(w_hh_t[w_base + k * GATES * H + 2u * H + j]), acc);
      }
      acc += vec4<f32>(b_hh[bias_base + 2u * H + j]);
      for (var r = 0u; r < BB; r++) {
        if (first + r < tile.rows) { finish_before(tile, first + r, j, step, acc[r]); }
      }
    }
  }
  workgroupBarrier();
}

// PyTorch's form: all three gates are known; updates h', out and saved.
fn finish_after(tile: Tile, row: u32, j: u32, step: Step, recurrent: vec4<f32>) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { carry(tile, row, j, step); return; }
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let p = unit_index(d, t, b, GATES, 0u, j);
  let r = sigmoid(pre[p] + recurrent.x);
  let z = sigmoid(pre[p + H] + recurrent.y);
  let n = tanh_clamped(pre[p + 2u * H] + r * recurrent.z);
  if (SAVE) {
    let at = unit_index(d, t, b, SAVED, 0u, j);
    saved[at] = r;
    saved[at + 3u * H] = recurrent.z;   // W_hn h + b_hn
  }
  emit(tile, row, j, step, z, n);
}

// Cho's form, first half: r ⊙ h and z for unit j go to workgroup memory.
fn gates_before(tile: Tile, row: u32, j: u32, step: Step, recurrent: vec4<f32>) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { return; }
  let t = time_of(tile.d, b, step.s);
  let p = unit_index(tile.d, t, b, GATES, 0u, j);
  let r = sigmoid(pre[p] + recurrent.x);
  let u = local_unit(tile, row, j);
  let rh = r * h_buf[step.prev + u];
  aux[u] = rh;
  aux[BT * HS + u] = sigmoid(pre[p + H] + recurrent.y);
  if (SAVE && owns(tile, j)) {
    let at = unit_index(tile.d, t, b, SAVED, 0u, j);
    saved[at] = r;
    saved[at + 3u * H] = rh;
  }
}

// Cho's form, second half: n from W_hn (r ⊙ h) + b_hn; updates h', out and saved.
fn finish_before(tile: Tile, row: u32, j: u32, step: Step, recurrent_n: f32) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { carry(tile, row, j, step); return; }
  let z = aux[BT * HS + local_unit(tile, row, j)];
  let n = tanh_clamped(pre[unit_index(tile.d, time_of(tile.d, b, step.s), b, GATES, 0u, j) + 2u * H] + recurrent_n);
  emit(tile, row, j, step, z, n);
}

// h' = (1 − z) ⊙ D(n) + z ⊙ h_prev (then zoneout), to workgroup memory, out and (z, n,
// h_prev) saved.
fn emit(tile: Tile, row: u32, j: u32, step: Step, z: f32, n: f32) {
  let b = tile.b0 + row;
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let u = local_unit(tile, row, j);
  let h_prev = h_buf[step.prev + u];
  var kept_n = n;
  if (RECURRENT_DROPOUT) { kept_n = n * dropout_factor(t, d, b, j); }
  let h = zoneout_mix(1u, params.zoneout_h, h_prev, (1.0 - z) * kept_n + z * h_prev, t, d, b, j);
  h_buf[step.next + u] = h;
  out[unit_index(tile.d, t, b, 1u, 0u, j)] = h;
  if (SAVE) {
    let at = unit_index(tile.d, t, b, SAVED, 0u, j);
    saved[at + H] = z;
    saved[at + 2u * H] = n;
    saved[at + 4u * H] = h_prev;
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
