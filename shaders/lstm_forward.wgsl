// Persistent LSTM forward over one chunk of time steps.
//
//   gates = pre[t, b] + b_hh + W_hhᵀ-stored · h          (gate order i, f, g, o)
//   c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),   h' = σ(o) ⊙ tanh(c')
//
// pre = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// Dispatch: (ceil(B / BT), D, 1), D directions. Workgroup (x, d) owns sequences
// [x·BT, x·BT + BT) of direction d for processing steps [step_begin, step_begin + step_count);
// h (double buffered) and c stay in workgroup memory across them, one barrier per step.
// Invocations take work items (unit j, block of BB sequences); each accumulates the four
// gates of unit j as a vec4, so one weight load serves BB sequences.
//
// Direction 1 runs in reverse: processing step s of sequence b is time len_b − 1 − s.
// Steps s ≥ len_b leave the state alone and next_half zeros (PyTorch packed semantics).

override H: u32;            // hidden size
override BT: u32;           // sequences per workgroup
override BB: u32 = 4;       // sequences per work item: 1, 2, 4 or 8
override WG: u32 = 256;     // invocations per workgroup
override SAVE: bool = false; // keep activations for backward in `saved`

const GATES: u32 = 4u;
const SAVED: u32 = 7u;

struct RecurrentParams {
  batch: u32,          // B
  steps: u32,          // T
  step_begin: u32,     // first processing step of this chunk
  step_count: u32,     // steps in this chunk
  has_lengths: u32,    // 0: every sequence has length `steps`
  state_offset: u32,   // element offset of this layer's [D, B, H] in the state buffers
  directions: u32,     // D
  row_t: u32,          // row of (t, b) in pre, out and saved is t·row_t + b·row_b:
  row_b: u32,          //   (B, 1) time-major, (1, T) batch-first
}

@group(0) @binding(0) var<uniform> params: RecurrentParams;
@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, 4H]: X · W_ihᵀ + b_ih
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, 4H] (W_hh transposed)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, 4H]
@group(0) @binding(4) var<storage, read> lengths: array<u32>;      // [B]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> c_state: array<f32>; // [L·D, B, H]
@group(0) @binding(7) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(8) var<storage, read_write> saved: array<f32>;  // rows × [D, 7, H] when SAVE: i, f, g, o, c_t, c_prev, h_prev

var<workgroup> h_buf: array<f32, 2u * BT * H>;   // [2][BT][H], by step parity
var<workgroup> c_buf: array<f32, BT * H>;        // [BT][H]

fn sigmoid(x: f32) -> f32 {
  // exp of a non-positive argument never overflows.
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn tanh_clamped(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}

fn sequence_length(b: u32) -> u32 {
  if (params.has_lengths == 0u) { return params.steps; }
  return lengths[b];
}

fn row_of(t: u32, b: u32) -> u32 {
  return t * params.row_t + b * params.row_b;
}

fn out_index(d: u32, t: u32, b: u32, j: u32) -> u32 {
  return row_of(t, b) * params.directions * H + d * H + j;
}

fn saved_index(d: u32, t: u32, b: u32, slot: u32, j: u32) -> u32 {
  return (row_of(t, b) * params.directions + d) * SAVED * H + slot * H + j;
}

// Steps past a sequence's end: output zero, and zero activations so backward's GEMMs add nothing.
fn write_inactive(d: u32, s: u32, b: u32, j: u32) {
  out[out_index(d, s, b, j)] = 0.0;
  if (SAVE) {
    for (var slot = 0u; slot < SAVED; slot++) { saved[saved_index(d, s, b, slot, j)] = 0.0; }
  }
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = group.y;
  let b0 = group.x * BT;
  let tile = min(BT, params.batch - b0);
  let state_base = params.state_offset + (d * params.batch + b0) * H;

  for (var i = lid; i < tile * H; i += WG) {
    h_buf[i] = h_state[state_base + i];
    c_buf[i] = c_state[state_base + i];
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
      // Rows past the tile prev_half row `first` and are never written.
      let r1 = select(first, first + 1u, first + 1u < tile);
      let r2 = select(first, first + 2u, first + 2u < tile);
      let r3 = select(first, first + 3u, first + 3u < tile);
      let r4 = select(first, first + 4u, first + 4u < tile);
      let r5 = select(first, first + 5u, first + 5u < tile);
      let r6 = select(first, first + 6u, first + 6u < tile);
      let r7 = select(first, first + 7u, first + 7u < tile);

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
      let bias = vec4<f32>(b_hh[d * GATES * H + j], b_hh[d * GATES * H + H + j],
                           b_hh[d * GATES * H + 2u * H + j], b_hh[d * GATES * H + 3u * H + j]);
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
    h_state[state_base + i] = h_buf[last + i];
    c_state[state_base + i] = c_buf[i];
  }
}

// Gate math for tile row `row`, unit j, processing step s: updates c, writes h', out and
// (when SAVE) the activations backward needs.
fn finish(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, next_half: u32, recurrent: vec4<f32>) {
  let b = b0 + row;
  let len = sequence_length(b);
  let h_prev = h_buf[prev_half + row * H + j];
  if (s >= len) {
    h_buf[next_half + row * H + j] = h_prev;
    write_inactive(d, s, b, j);
    return;
  }
  let t = select(s, len - 1u - s, d == 1u);
  let p = row_of(t, b) * params.directions * GATES * H + d * GATES * H + j;
  let g = recurrent + vec4<f32>(pre[p], pre[p + H], pre[p + 2u * H], pre[p + 3u * H]);
  let gates = vec4<f32>(sigmoid(g.x), sigmoid(g.y), tanh_clamped(g.z), sigmoid(g.w));
  let c_prev = c_buf[row * H + j];
  let c = gates.y * c_prev + gates.x * gates.z;
  let h = gates.w * tanh_clamped(c);
  c_buf[row * H + j] = c;
  h_buf[next_half + row * H + j] = h;
  out[out_index(d, t, b, j)] = h;
  if (SAVE) {
    let at = saved_index(d, t, b, 0u, j);
    saved[at] = gates.x;
    saved[at + H] = gates.y;
    saved[at + 2u * H] = gates.z;
    saved[at + 3u * H] = gates.w;
    saved[at + 4u * H] = c;
    saved[at + 5u * H] = c_prev;
    saved[at + 6u * H] = h_prev;
  }
}
