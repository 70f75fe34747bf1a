// Persistent GRU forward over one chunk of time steps, in either reset form
// (gates r, z, n; recurrent_common.wgsl is prepended).
//
//   r = σ(x_r + W_hr h + b_hr),  z = σ(x_z + W_hz h + b_hz)
//   RESET_AFTER (PyTorch):  n = tanh(x_n + r ⊙ (W_hn h + b_hn))
//   otherwise (Cho et al.): n = tanh(x_n + W_hn (r ⊙ h) + b_hn)
//   h' = (1 − z) ⊙ n + z ⊙ h
//
// x = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h stays in workgroup memory (double buffered). Invocations take work items (unit j,
// block of BB sequences) and accumulate the three gates of unit j as one vec4. Cho's form
// needs r ⊙ h for every unit before W_hn applies, so it adds a barrier and a second product.
//
// Steps s ≥ len_b carry h over unchanged and write zero outputs and activations
// (PyTorch's packed-sequence semantics).

override BB: u32 = 4;       // sequences per work item: 1, 2 or 4
override SAVE: bool = false; // keep activations for backward in `saved`
override RESET_AFTER: bool = true;
override AUX_SIZE: u32 = 1; // 2·BT·H for Cho's form (r ⊙ h and z), else 1

const GATES: u32 = 3u;
const SAVED: u32 = 5u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, 3H]
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, 3H] (W_hh transposed)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, 3H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;  // rows × [D, 5, H] when SAVE: r, z, n, W_hn h + b_hn (or r ⊙ h), h_prev

var<workgroup> h_buf: array<f32, 2u * BT * H>;   // [2][BT][H], by step parity
var<workgroup> aux: array<f32, AUX_SIZE>;        // Cho's form: [BT][H] of r ⊙ h, then [BT][H] of z

// Steps past a sequence's end: output zero, and zero activations so backward's GEMMs add nothing.
fn write_inactive(d: u32, s: u32, b: u32, j: u32) {
  out[unit_index(d, s, b, 1u, 0u, j)] = 0.0;
  if (SAVE) { for (var slot = 0u; slot < SAVED; slot++) { saved[unit_index(d, s, b, SAVED, slot, j)] = 0.0; } }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = group.y;
  let b0 = group.x * BT;
  let tile = min(BT, params.batch - b0);

  for (var i = lid; i < tile * H; i += WG) {
    h_buf[i] = h_state[state_base(d, b0) + i];
  }
  workgroupBarrier();

  let blocks = (tile + BB - 1u) / BB;
  let w_base = d * H * GATES * H;
  let bias_base = d * GATES * H;

  for (var ls = 0u; ls < params.step_count; ls++) {
    let s = params.step_begin + ls;
    let prev_half = (ls & 1u) * BT * H;
    let next_half = ((ls + 1u) & 1u) * BT * H;

    for (var item = lid; item < blocks * H; item += WG) {
      let j = item % H;
      let first = (item / H) * BB;
      let r1 = block_row(first, 1u, tile);
      let r2 = block_row(first, 2u, tile);
      let r3 = block_row(first, 3u, tile);

      // Recurrent products of r, z (and n in PyTorch's form) for up to four sequences.
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      for (var k = 0u; k < H; k++) {
        let w_at = w_base + k * GATES * H + j;
        let w_n = select(0.0, w_hh_t[w_at + 2u * H], RESET_AFTER);
        let w = vec4<f32>(w_hh_t[w_at], w_hh_t[w_at + H], w_n, 0.0);
        acc0 = fma(vec4<f32>(h_buf[prev_half + first * H + k]), w, acc0);
        if (BB > 1u) { acc1 = fma(vec4<f32>(h_buf[prev_half + r1 * H + k]), w, acc1); }
        if (BB > 2u) {
          acc2 = fma(vec4<f32>(h_buf[prev_half + r2 * H + k]), w, acc2);
          acc3 = fma(vec4<f32>(h_buf[prev_half + r3 * H + k]), w, acc3);
        }
      }
      let bias = vec4<f32>(b_hh[bias_base + j], b_hh[bias_base + H + j], b_hh[bias_base + 2u * H + j], 0.0);
      if (RESET_AFTER) {
        finish_after(d, b0, first, j, s, prev_half, next_half, acc0 + bias);
        if (BB > 1u && first + 1u < tile) { finish_after(d, b0, first + 1u, j, s, prev_half, next_half, acc1 + bias); }
        if (BB > 2u && first + 2u < tile) { finish_after(d, b0, first + 2u, j, s, prev_half, next_half, acc2 + bias); }
        if (BB > 3u && first + 3u < tile) { finish_after(d, b0, first + 3u, j, s, prev_half, next_half, acc3 + bias); }
      } else {
        gates_before(d, b0, first, j, s, prev_half, acc0 + bias);
        if (BB > 1u && first + 1u < tile) { gates_before(d, b0, first + 1u, j, s, prev_half, acc1 + bias); }
        if (BB > 2u && first + 2u < tile) { gates_before(d, b0, first + 2u, j, s, prev_half, acc2 + bias); }
        if (BB > 3u && first + 3u < tile) { gates_before(d, b0, first + 3u, j, s, prev_half, acc3 + bias); }
      }
    }

    if (!RESET_AFTER) {
      workgroupBarrier();
      // Second product: W_hn · (r ⊙ h), four sequences per vec4.
      for (var item = lid; item < blocks * H; item += WG) {
        let j = item % H;
        let first = (item / H) * BB;
        let r1 = block_row(first, 1u, tile);
        let r2 = block_row(first, 2u, tile);
        let r3 = block_row(first, 3u, tile);
        var acc = vec4<f32>(0.0);
        for (var k = 0u; k < H; k++) {
          let w = w_hh_t[w_base + k * GATES * H + 2u * H + j];
          let rh = vec4<f32>(aux[first * H + k], aux[r1 * H + k], aux[r2 * H + k], aux[r3 * H + k]);
          acc = fma(rh, vec4<f32>(w), acc);
        }
        acc += vec4<f32>(b_hh[bias_base + 2u * H + j]);
        finish_before(d, b0, first, j, s, prev_half, next_half, acc.x);
        if (BB > 1u && first + 1u < tile) { finish_before(d, b0, first + 1u, j, s, prev_half, next_half, acc.y); }
        if (BB > 2u && first + 2u < tile) { finish_before(d, b0, first + 2u, j, s, prev_half, next_half, acc.z); }
        if (BB > 3u && first + 3u < tile) { finish_before(d, b0, first + 3u, j, s, prev_half, next_half, acc.w); }
      }
    }
    workgroupBarrier();
  }

  let last = (params.step_count & 1u) * BT * H;
  for (var i = lid; i < tile * H; i += WG) {
    h_state[state_base(d, b0) + i] = h_buf[last + i];
  }
}

// PyTorch's form: all three gates are known; updates h', out and saved.
fn finish_after(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, next_half: u32, recurrent: vec4<f32>) {
  let b = b0 + row;
  let h_prev = h_buf[prev_half + row * H + j];
  if (s >= sequence_length(b)) {
    inactive(d, b, row, j, s, next_half, h_prev);
    return;
  }
  let p = unit_index(d, time_of(d, b, s), b, GATES, 0u, j);
  let r = sigmoid(pre[p] + recurrent.x);
  let z = sigmoid(pre[p + H] + recurrent.y);
  let n = tanh_clamped(pre[p + 2u * H] + r * recurrent.z);
  if (SAVE) {
    let at = saved_index(d, time_of(d, b, s), b, 0u, j);
    saved[at] = r;
    saved[at + 3u * H] = recurrent.z;   // W_hn h + b_hn
  }
  emit(d, b, row, j, s, next_half, z, n, h_prev);
}

// Cho's form, first half: r ⊙ h and z for unit j go to workgroup memory.
fn gates_before(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, recurrent: vec4<f32>) {
  let b = b0 + row;
  if (s >= sequence_length(b)) { return; }
  let p = unit_index(d, time_of(d, b, s), b, GATES, 0u, j);
  let r = sigmoid(pre[p] + recurrent.x);
  let rh = r * h_buf[prev_half + row * H + j];
  aux[row * H + j] = rh;
  aux[BT * H + row * H + j] = sigmoid(pre[p + H] + recurrent.y);
  if (SAVE) {
    let at = saved_index(d, time_of(d, b, s), b, 0u, j);
    saved[at] = r;
    saved[at + 3u * H] = rh;
  }
}

// Cho's form, second half: n from W_hn (r ⊙ h) + b_hn; updates h', out and saved.
fn finish_before(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, next_half: u32, recurrent_n: f32) {
  let b = b0 + row;
  let h_prev = h_buf[prev_half + row * H + j];
  if (s >= sequence_length(b)) {
    inactive(d, b, row, j, s, next_half, h_prev);
    return;
  }
  let z = aux[BT * H + row * H + j];
  let n = tanh_clamped(pre[unit_index(d, time_of(d, b, s), b, GATES, 0u, j) + 2u * H] + recurrent_n);
  emit(d, b, row, j, s, next_half, z, n, h_prev);
}

fn inactive(d: u32, b: u32, row: u32, j: u32, s: u32, next_half: u32, h_prev: f32) {
  h_buf[next_half + row * H + j] = h_prev;
  write_inactive(d, s, b, j);
}

// h' = (1 − z) ⊙ n + z ⊙ h_prev, to workgroup memory, out and (z, n, h_prev) saved.
fn emit(d: u32, b: u32, row: u32, j: u32, s: u32, next_half: u32, z: f32, n: f32, h_prev: f32) {
  let t = time_of(d, b, s);
  let h = (1.0 - z) * n + z * h_prev;
  h_buf[next_half + row * H + j] = h;
  out[unit_index(d, t, b, 1u, 0u, j)] = h;
  if (SAVE) {
    let at = unit_index(d, t, b, SAVED, 0u, j);
    saved[at + H] = z;
    saved[at + 2u * H] = n;
    saved[at + 4u * H] = h_prev;
  }
}
