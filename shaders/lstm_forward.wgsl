// Persistent LSTM forward over one chunk of time steps (recurrent_common.wgsl is prepended).
//
//   gates = pre[t, b] + b_hh + W_hhᵀ-stored · h          (gate order i, f, g, o)
//   c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),   h' = σ(o) ⊙ tanh(c')
//   PEEPHOLE (ONNX's P): i and f also add p_i ⊙ c and p_f ⊙ c, o adds p_o ⊙ c'.
//
// pre = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h (double buffered) and c stay in workgroup memory across the chunk, one barrier per
// step. Invocations take work items (unit j, block of BB sequences); each accumulates the
// four gates of unit j as a vec4, so one weight load serves BB sequences.
// Steps s ≥ len_b carry h and c over unchanged and write zero outputs and activations
// (PyTorch's packed-sequence semantics).

override BB: u32 = 4;        // sequences per work item: 1, 2, 4 or 8
override SAVE: bool = false; // keep activations for backward in `saved`
override PEEPHOLE: bool = false;

const GATES: u32 = 4u;
const SAVED: u32 = 7u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, 4H]: X · W_ihᵀ + b_ih
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, 4H] (W_hh transposed)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, 4H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> c_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(8) var<storage, read_write> saved: array<f32>;  // rows × [D, 7, H] when SAVE: i, f, g, o, c_t, c_prev, h_prev
@group(0) @binding(9) var<storage, read> peephole: array<f32>;     // [D, 3H] when PEEPHOLE: p_i, p_f, p_o

var<workgroup> h_buf: array<f32, 2u * BT * H>;   // [2][BT][H], by step parity
var<workgroup> c_buf: array<f32, BT * H>;        // [BT][H]

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = group.y;
  let b0 = group.x * BT;
  let tile = min(BT, params.batch - b0);
  for (var i = lid; i < tile * H; i += WG) {
    h_buf[i] = h_state[state_base(d, b0) + i];
    c_buf[i] = c_state[state_base(d, b0) + i];
  }
  workgroupBarrier();

  let blocks = (tile + BB - 1u) / BB;
  let w_base = d * H * GATES * H;
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
      let r4 = block_row(first, 4u, tile);
      let r5 = block_row(first, 5u, tile);
      let r6 = block_row(first, 6u, tile);
      let r7 = block_row(first, 7u, tile);
      var acc0 = vec4<f32>(0.0);
      var acc1 = vec4<f32>(0.0);
      var acc2 = vec4<f32>(0.0);
      var acc3 = vec4<f32>(0.0);
      var acc4 = vec4<f32>(0.0);
      var acc5 = vec4<f32>(0.0);
      var acc6 = vec4<f32>(0.0);
      var acc7 = vec4<f32>(0.0);
      for (var k = 0u; k < H; k++) {
        let w_at = w_base + k * GATES * H + j;
        let w = vec4<f32>(w_hh_t[w_at], w_hh_t[w_at + H], w_hh_t[w_at + 2u * H], w_hh_t[w_at + 3u * H]);
        acc0 = fma(vec4<f32>(h_buf[prev_half + first * H + k]), w, acc0);
        if (BB > 1u) { acc1 = fma(vec4<f32>(h_buf[prev_half + r1 * H + k]), w, acc1); }
        if (BB > 2u) {
          acc2 = fma(vec4<f32>(h_buf[prev_half + r2 * H + k]), w, acc2);
          acc3 = fma(vec4<f32>(h_buf[prev_half + r3 * H + k]), w, acc3);
        }
        if (BB > 4u) {
          acc4 = fma(vec4<f32>(h_buf[prev_half + r4 * H + k]), w, acc4);
          acc5 = fma(vec4<f32>(h_buf[prev_half + r5 * H + k]), w, acc5);
          acc6 = fma(vec4<f32>(h_buf[prev_half + r6 * H + k]), w, acc6);
          acc7 = fma(vec4<f32>(h_buf[prev_half + r7 * H + k]), w, acc7);
        }
      }
      let b_at = d * GATES * H + j;
      let bias = vec4<f32>(b_hh[b_at], b_hh[b_at + H], b_hh[b_at + 2u * H], b_hh[b_at + 3u * H]);
      finish(d, b0, first, j, s, prev_half, next_half, acc0 + bias);
      if (BB > 1u && first + 1u < tile) { finish(d, b0, first + 1u, j, s, prev_half, next_half, acc1 + bias); }
      if (BB > 2u && first + 2u < tile) { finish(d, b0, first + 2u, j, s, prev_half, next_half, acc2 + bias); }
      if (BB > 3u && first + 3u < tile) { finish(d, b0, first + 3u, j, s, prev_half, next_half, acc3 + bias); }
      if (BB > 4u && first + 4u < tile) { finish(d, b0, first + 4u, j, s, prev_half, next_half, acc4 + bias); }
      if (BB > 5u && first + 5u < tile) { finish(d, b0, first + 5u, j, s, prev_half, next_half, acc5 + bias); }
      if (BB > 6u && first + 6u < tile) { finish(d, b0, first + 6u, j, s, prev_half, next_half, acc6 + bias); }
      if (BB > 7u && first + 7u < tile) { finish(d, b0, first + 7u, j, s, prev_half, next_half, acc7 + bias); }
    }
    workgroupBarrier();
  }

  let last = (params.step_count & 1u) * BT * H;
  for (var i = lid; i < tile * H; i += WG) {
    h_state[state_base(d, b0) + i] = h_buf[last + i];
    c_state[state_base(d, b0) + i] = c_buf[i];
  }
}

// Gate math for tile row `row`, unit j, processing step s: updates c, writes h', out and
// (when SAVE) the activations backward needs.
fn finish(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, next_half: u32, recurrent: vec4<f32>) {
  let b = b0 + row;
  let h_prev = h_buf[prev_half + row * H + j];
  let c_prev = c_buf[row * H + j];
  if (s >= sequence_length(b)) {
    h_buf[next_half + row * H + j] = h_prev;
    out[unit_index(d, s, b, 1u, 0u, j)] = 0.0;
    if (SAVE) { for (var slot = 0u; slot < SAVED; slot++) { saved[unit_index(d, s, b, SAVED, slot, j)] = 0.0; } }
    return;
  }
  let t = time_of(d, b, s);
  let p = unit_index(d, t, b, GATES, 0u, j);
  var a = recurrent + vec4<f32>(pre[p], pre[p + H], pre[p + 2u * H], pre[p + 3u * H]);
  var p_o = 0.0;
  if (PEEPHOLE) {
    a += vec4<f32>(peephole[d * 3u * H + j], peephole[d * 3u * H + H + j], 0.0, 0.0) * c_prev;
    p_o = peephole[d * 3u * H + 2u * H + j];
  }
  let i = sigmoid(a.x);
  let f = sigmoid(a.y);
  let g = tanh_clamped(a.z);
  let c = f * c_prev + i * g;
  let o = sigmoid(a.w + p_o * c);
  let h = o * tanh_clamped(c);
  c_buf[row * H + j] = c;
  h_buf[next_half + row * H + j] = h;
  out[unit_index(d, t, b, 1u, 0u, j)] = h;
  if (SAVE) {
    let at = unit_index(d, t, b, SAVED, 0u, j);
    saved[at] = i;
    saved[at + H] = f;
    saved[at + 2u * H] = g;
    saved[at + 3u * H] = o;
    saved[at + 4u * H] = c;
    saved[at + 5u * H] = c_prev;
    saved[at + 6u * H] = h_prev;
  }
}
