// Embedding lookup and its gradient, for token ids in [0, V); ids equal to padding_idx give
// zero vectors and no gradient. An id outside [0, V) gives a zero vector too, and `gather`
// flags its position: id_errors[check_slot] = min(…, n), which the host reports.
//
// Entry `gather`, dispatch (ceil(N·D / WG), rows, 1):  out[n, d] = table[tokens[n], d]
// Entry `scatter_add`, dispatch (ceil(V·ceil(D / SPAN) / WG), rows, 1): one invocation per
// (v, block of SPAN features d) sums
//   grad[v, d] += Σ_{n : tokens[n] = v} d_out[n, d]
// in a fixed order over n, so the result is deterministic without atomics. Each token id
// read serves SPAN features (one invocation per feature read every id D times).

override WG: u32 = 256;

const SPAN: u32 = 8u;   // features per scatter_add invocation

struct EmbeddingParams {
  count: u32,          // N: number of tokens
  vocabulary: u32,     // V
  dim: u32,            // D
  padding_idx: i32,    // −1 for none
  check_slot: u32,     // the id_errors slot that flags an id outside [0, V)
}

@group(0) @binding(0) var<uniform> params: EmbeddingParams;
@group(0) @binding(1) var<storage, read> tokens: array<i32>;           // [N]
@group(0) @binding(2) var<storage, read> table: array<f32>;            // [V, D]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;        // [N, D]
@group(0) @binding(4) var<storage, read> d_out: array<f32>;            // [N, D]
@group(0) @binding(5) var<storage, read_write> grad: array<f32>;       // [V, D]
@group(0) @binding(6) var<storage, read_write> id_errors: array<atomic<u32>>; // [slots]: first bad n

fn counted(token: i32) -> bool {
  return token >= 0 && u32(token) < params.vocabulary && token != params.padding_idx;
}

@compute @workgroup_size(WG, 1, 1)
fn gather(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.count * params.dim) { return; }
  let n = i / params.dim;
  let token = tokens[n];
  if (i % params.dim == 0u && (token < 0 || u32(token) >= params.vocabulary)) { atomicMin(&id_errors[params.check_slot], n); }
  out[i] = select(0.0, table[u32(max(token, 0)) * params.dim + i % params.dim], counted(token));
}

@compute @workgroup_size(WG, 1, 1)
fn scatter_add(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  let blocks = (params.dim + SPAN - 1u) / SPAN;
  if (i >= params.vocabulary * blocks) { return; }
  let v = i32(i / blocks);
  if (v == params.padding_idx) { return; }
  let d0 = (i % blocks) * SPAN;
  // Features past D read the row's last one (never stored).
  let last = params.dim - 1u;
  let lo = min(vec4<u32>(d0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last));
  let hi = min(vec4<u32>(d0) + vec4<u32>(4u, 5u, 6u, 7u), vec4<u32>(last));
  var sum_lo = vec4<f32>(0.0);
  var sum_hi = vec4<f32>(0.0);
  for (var n = 0u; n < params.count; n++) {
    if (tokens[n] == v) {
      let row = n * params.dim;
      sum_lo += vec4<f32>(d_out[row + lo.x], d_out[row + lo.y], d_out[row + lo.z], d_out[row + lo.w]);
      sum_hi += vec4<f32>(d_out[row + hi.x], d_out[row + hi.y], d_out[row + hi.z], d_out[row + hi.w]);
    }
  }
  let base = u32(v) * params.dim;
  for (var c = 0u; c < SPAN && d0 + c < params.dim; c++) {
    grad[base + d0 + c] += select(sum_hi[c & 3u], sum_lo[c & 3u], c < 4u);
  }
}
