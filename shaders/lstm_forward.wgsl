// Persistent LSTM forward over one chunk of time steps (recurrent_common.wgsl is prepended).
//
//   gates = pre[t, b] + b_hh + W_hhᵀ-stored · h          (gate order i, f, g, o)
//   c̃ = σ(f) ⊙ c + σ(i) ⊙ D(tanh(g)),   h̃ = σ(o) ⊙ tanh(c̃)
//   PEEPHOLE (ONNX's P): i and f also add p_i ⊙ c and p_f ⊙ c, o adds p_o ⊙ c̃.
//   RECURRENT_DROPOUT (Semeniuta et al.): D scales g by a hashed 0 or 1/(1 − p); else D = 1.
//   ZONEOUT (Krueger et al.): c' = m_c ⊙ c + (1 − m_c) ⊙ c̃, h' = m_h ⊙ h + (1 − m_h) ⊙ h̃,
//     m hashed 0/1 when training, the rate in evaluation; else c' = c̃, h' = h̃.
//   LAYER_NORM (Ba et al.): gates = pre + b + α_h ⊙ r̂ with r̂ the normalised W_hh · h over
//     the head's 4·HS products, and h̃ = σ(o) ⊙ tanh(α_c ⊙ ĉ + β_c) with ĉ the normalised c̃
//     over the head's units; pre is already normalised (LN(X · W_ihᵀ) + b_ih) and b holds
//     b_hh + β_h. Three more phases per step: products to workgroup memory, their moments,
//     the gates and c̃, the moments of c̃, then h.
//
// pre = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h (double buffered) and c stay in workgroup memory across the chunk, one barrier per
// step. Invocations take work items (unit j, block of BB sequences); each accumulates the
// four gates of unit j as a vec4 over the units k of its head, so one weight load serves
// BB sequences. Steps s ≥ len_b carry h and c over unchanged and write zero outputs and
// activations (PyTorch's packed-sequence semantics).

override BB: u32 = 4;        // sequences per work item: 1, 2, 4 or 8
override SAVE: bool = false; // keep activations for backward in `saved`
override PEEPHOLE: bool = false;
override ZONEOUT: bool = false;
override RECURRENT_DROPOUT: bool = false;
override SAVED: u32 = 7u;       // 14 with LAYER_NORM
override NORM_SIZE: u32 = 1u;   // LAYER_NORM: BT · 4 · HS, else 1

const GATES: u32 = 4u;
const REVERSE = false;
// row_moments reads norm_buf: the recurrent products, later c̃ in their slot 0.
const NORM_VALUES = 0u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, 4H]: X · W_ihᵀ + b_ih
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, 4H] (W_hh transposed; block diagonal by head)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, 4H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> c_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(8) var<storage, read_write> saved: array<f32>;  // rows × [D, SAVED, H] when SAVE: i, f, g, o, c̃, c_prev, h_prev
                                                                   //   (LAYER_NORM: then r̂_i, r̂_f, r̂_g, r̂_o, ĉ, rstd_h, rstd_c)
@group(0) @binding(9) var<storage, read> cell_params: array<f32>;  // [D, 3, H] PEEPHOLE: p_i, p_f, p_o; [D, 6, H] LAYER_NORM: α_h (4), α_c, β_c

var<workgroup> h_buf: array<f32, 2u * BT * HS>;   // [2][BT][HS], by step parity
var<workgroup> c_buf: array<f32, BT * HS>;        // [BT][HS]
var<workgroup> norm_buf: array<f32, NORM_SIZE>;   // LAYER_NORM: [BT][4][HS] products, then c̃ (slot 0) and o (slot 3)

fn load_unit(i: u32, at: u32) {
  h_buf[i] = h_state[at];
  c_buf[i] = c_state[at];
}

fn store_unit(i: u32, at: u32, last: u32) {
  h_state[at] = h_buf[last + i];
  c_state[at] = c_buf[i];
}

fn run_step(tile: Tile, lid: u32, step: Step) {
  let w_base = tile.d * H * GATES * H + tile.head0 * GATES * H;
  // Work items: (owned unit j, block of BB sequences).
  for (var item = lid; item < (tile.rows + BB - 1u) / BB * tile.units; item += WG) {
    let j = tile.unit0 + item % tile.units;
    let first = (item / tile.units) * BB;
    let lo = block_rows(first, 0u, tile.rows) * HS + step.prev;
    let hi = block_rows(first, 4u, tile.rows) * HS + step.prev;
    var acc = array<vec4<f32>, 8>();
    for (var k = 0u; k < HS; k++) {
      let w_at = w_base + k * GATES * H + j;
      let w = vec4<f32>(w_hh_t[w_at], w_hh_t[w_at + H], w_hh_t[w_at + 2u * H], w_hh_t[w_at + 3u * H]);
      acc[0] = fma(vec4<f32>(h_buf[lo.x + k]), w, acc[0]);
      if (BB > 1u) { acc[1] = fma(vec4<f32>(h_buf[lo.y + k]), w, acc[1]); }
      if (BB > 2u) {
        acc[2] = fma(vec4<f32>(h_buf[lo.z + k]), w, acc[2]);
        acc[3] = fma(vec4<f32>(h_buf[lo.w + k]), w, acc[3]);
      }
      if (BB > 4u) {
        acc[4] = fma(vec4<f32>(h_buf[hi.x + k]), w, acc[4]);
        acc[5] = fma(vec4<f32>(h_buf[hi.y + k]), w, acc[5]);
        acc[6] = fma(vec4<f32>(h_buf[hi.z + k]), w, acc[6]);
        acc[7] = fma(vec4<f32>(h_buf[hi.w + k]), w, acc[7]);
      }
    }
    let bias = bias_of(tile.d, j);
    for (var r = 0u; r < BB; r++) {
      if (first + r >= tile.rows) { break; }
      if (LAYER_NORM) {
        let at = (first + r) * GATES * HS + j - tile.head0;
        for (var g = 0u; g < GATES; g++) { norm_buf[at + g * HS] = acc[r][g]; }
      } else {
        finish(tile, first + r, j, step, acc[r] + bias);
      }
    }
  }
  workgroupBarrier();
  if (LAYER_NORM) {
    row_moments(tile, lid, NORM_VALUES, GATES * HS, step.s);
    for (var item = lid; item < tile.rows * tile.units; item += WG) {
      let row = item / tile.units;
      let j = tile.unit0 + item % tile.units;
      let at = row * GATES * HS + j - tile.head0;
      let products = vec4<f32>(norm_buf[at], norm_buf[at + HS], norm_buf[at + 2u * HS], norm_buf[at + 3u * HS]);
      let stats = row_norm(row, GATES * HS);
      let normalised = (products - stats.x) * stats.y;
      let alpha = vec4<f32>(cell_param(tile.d, 0u, j), cell_param(tile.d, 1u, j), cell_param(tile.d, 2u, j), cell_param(tile.d, 3u, j));
      finish(tile, row, j, step, alpha * normalised + bias_of(tile.d, j));
      save_normalised(tile, row, j, step, normalised, stats.y);
    }
    workgroupBarrier();
    row_moments(tile, lid, NORM_VALUES, HS, step.s);
    for (var item = lid; item < tile.rows * tile.units; item += WG) {
      emit_normed(tile, item / tile.units, tile.unit0 + item % tile.units, step);
    }
    workgroupBarrier();
  }
}

fn bias_of(d: u32, j: u32) -> vec4<f32> {
  let at = d * GATES * H + j;
  return vec4<f32>(b_hh[at], b_hh[at + H], b_hh[at + 2u * H], b_hh[at + 3u * H]);
}

// Parameter `slot` of unit j in cell_params ([D, slots, H]).
fn cell_param(d: u32, slot: u32, j: u32) -> f32 {
  let slots = select(3u, 6u, LAYER_NORM);
  return cell_params[(d * slots + slot) * H + j];
}

fn row_term(which: u32, tile: Tile, row: u32, i: u32, s: u32) -> vec2<f32> {
  // Products are [4][HS] per row; c̃ waits in slot 0 of the same row.
  return vec2<f32>(norm_buf[row * GATES * HS + i], 0.0);
}

// With SAVE, r̂ of a unit's four gates (slots 7 … 10) and the row's rstd_h (slot 12).
fn save_normalised(tile: Tile, row: u32, j: u32, step: Step, normalised: vec4<f32>, rstd: f32) {
  let b = tile.b0 + row;
  if (!SAVE || step.s >= sequence_length(b)) { return; }
  let at = unit_index(tile.d, time_of(tile.d, b, step.s), b, SAVED, 7u, j);
  for (var g = 0u; g < GATES; g++) { saved[at + g * H] = normalised[g]; }
  saved[at + 5u * H] = rstd;
}

// LAYER_NORM's last phase for tile row `row`, unit j: h̃ from the normalised c̃, then zoneout.
fn emit_normed(tile: Tile, row: u32, j: u32, step: Step) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { return; }
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let u = local_unit(tile, row, j);
  let at = row * GATES * HS + j - tile.head0;
  let stats = row_norm(row, HS);
  let rstd = stats.y;
  let c_hat = (norm_buf[at] - stats.x) * rstd;
  emit_h(tile, row, j, step, norm_buf[at + 3u * HS] * tanh_clamped(cell_param(d, 4u, j) * c_hat + cell_param(d, 5u, j)));
  if (SAVE) {
    let s_at = unit_index(d, t, b, SAVED, 11u, j);
    saved[s_at] = c_hat;
    saved[s_at + 2u * H] = rstd;
  }
}

// Gate math for tile row `row`, unit j, at this step: updates c, writes h', out and (when
// SAVE) the activations backward needs. The cell state of a finished sequence stays as it is.
fn finish(tile: Tile, row: u32, j: u32, step: Step, recurrent: vec4<f32>) {
  let b = tile.b0 + row;
  if (step.s >= sequence_length(b)) { carry(tile, row, j, step); return; }
  let d = tile.d;
  let t = time_of(d, b, step.s);
  let u = local_unit(tile, row, j);
  let h_prev = h_buf[step.prev + u];
  let c_prev = c_buf[u];
  let p = unit_index(d, t, b, GATES, 0u, j);
  var a = recurrent + vec4<f32>(pre[p], pre[p + H], pre[p + 2u * H], pre[p + 3u * H]);
  var p_o = 0.0;
  if (PEEPHOLE) {
    a += vec4<f32>(cell_param(d, 0u, j), cell_param(d, 1u, j), 0.0, 0.0) * c_prev;
    p_o = cell_param(d, 2u, j);
  }
  let i = sigmoid(a.x);
  let f = sigmoid(a.y);
  let g = tanh_clamped(a.z);
  var kept_g = g;
  if (RECURRENT_DROPOUT) { kept_g = g * dropout_factor(t, d, b, j); }
  let c_new = f * c_prev + i * kept_g;
  let o = sigmoid(a.w + p_o * c_new);
  c_buf[u] = zoneout_mix(2u, params.zoneout_c, c_prev, c_new, t, d, b, j);
  if (LAYER_NORM) {
    // h waits for the moments of c̃: c̃ and o go where this unit's products were.
    let at = row * GATES * HS + j - tile.head0;
    norm_buf[at] = c_new;
    norm_buf[at + 3u * HS] = o;
  } else {
    emit_h(tile, row, j, step, o * tanh_clamped(c_new));
  }
  if (SAVE) {
    let at = unit_index(d, t, b, SAVED, 0u, j);
    saved[at] = i;
    saved[at + H] = f;
    saved[at + 2u * H] = g;
    saved[at + 3u * H] = o;
    saved[at + 4u * H] = c_new;
    saved[at + 5u * H] = c_prev;
    saved[at + 6u * H] = h_prev;
  }
}

// h' = h̃ after zoneout, to workgroup memory and out.
fn emit_h(tile: Tile, row: u32, j: u32, step: Step, h_new: f32) {
  let b = tile.b0 + row;
  let t = time_of(tile.d, b, step.s);
  let u = local_unit(tile, row, j);
  let h = zoneout_mix(1u, params.zoneout_h, h_buf[step.prev + u], h_new, t, tile.d, b, j);
  h_buf[step.next + u] = h;
  out[unit_index(tile.d, t, b, 1u, 0u, j)] = h;
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
