// Persistent Elman RNN forward over one chunk of time steps
// (recurrent_common.wgsl is prepended).
//
//   h' = act(pre[t, b] + W_hh h + b_hh),  act = tanh, or relu when RELU
//
// pre = X · W_ihᵀ + b_ih was computed for every step by one GEMM before this dispatch.
// h stays in workgroup memory (double buffered), one barrier per step. Invocations take
// work items (unit j, block of 4 sequences) and accumulate the four sequences as a vec4.
//
// Steps s ≥ len_b carry h over unchanged and write zero outputs and activations
// (PyTorch's packed-sequence semantics).

override SAVE: bool = false; // keep activations for backward in `saved`
override RELU: bool = false;

const BB: u32 = 4u;
const GATES: u32 = 1u;
const SAVED: u32 = 2u;

@group(0) @binding(1) var<storage, read> pre: array<f32>;          // rows × [D, H]
@group(0) @binding(2) var<storage, read> w_hh_t: array<f32>;       // [D, H, H] (W_hh transposed)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;         // [D, H]
@group(0) @binding(5) var<storage, read_write> h_state: array<f32>; // [L·D, B, H]; in: before chunk, out: after
@group(0) @binding(6) var<storage, read_write> out: array<f32>;    // rows × [D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;  // rows × [D, 2, H] when SAVE: h_t, h_prev

var<workgroup> h_buf: array<f32, 2u * BT * H>;   // [2][BT][H], by step parity

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
  let w_base = d * H * H;

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
      var acc = vec4<f32>(b_hh[d * H + j]);
      for (var k = 0u; k < H; k++) {
        let hk = vec4<f32>(h_buf[prev_half + first * H + k], h_buf[prev_half + r1 * H + k], h_buf[prev_half + r2 * H + k], h_buf[prev_half + r3 * H + k]);
        acc = fma(hk, vec4<f32>(w_hh_t[w_base + k * H + j]), acc);
      }
      finish(d, b0, first, j, s, prev_half, next_half, acc.x);
      if (first + 1u < tile) { finish(d, b0, first + 1u, j, s, prev_half, next_half, acc.y); }
      if (first + 2u < tile) { finish(d, b0, first + 2u, j, s, prev_half, next_half, acc.z); }
      if (first + 3u < tile) { finish(d, b0, first + 3u, j, s, prev_half, next_half, acc.w); }
    }
    workgroupBarrier();
  }

  let last = (params.step_count & 1u) * BT * H;
  for (var i = lid; i < tile * H; i += WG) {
    h_state[state_base(d, b0) + i] = h_buf[last + i];
  }
}

fn finish(d: u32, b0: u32, row: u32, j: u32, s: u32, prev_half: u32, next_half: u32, recurrent: f32) {
  let b = b0 + row;
  let len = sequence_length(b);
  let h_prev = h_buf[prev_half + row * H + j];
  if (s >= len) {
    h_buf[next_half + row * H + j] = h_prev;
    write_inactive(d, s, b, j);
    return;
  }
  let t = time_of(d, b, s);
  let a = pre[unit_index(d, t, b, GATES, 0u, j)] + recurrent;
  let h = select(tanh_clamped(a), max(a, 0.0), RELU);
  h_buf[next_half + row * H + j] = h;
  out[unit_index(d, t, b, 1u, 0u, j)] = h;
  if (SAVE) {
    saved[unit_index(d, t, b, SAVED, 0u, j)] = h;
    saved[unit_index(d, t, b, SAVED, 1u, j)] = h_prev;
  }
}
