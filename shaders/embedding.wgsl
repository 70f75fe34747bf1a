// Embedding lookup and its gradient, for token ids in [0, V); ids equal to padding_idx (or
// outside [0, V)) give zero vectors and no gradient.
//
// Entry `gather`, dispatch (ceil(N·D / WG), rows, 1):  out[n, d] = table[tokens[n], d]
// Entry `scatter_add`, dispatch (ceil(V·D / WG), rows, 1): one invocation per (v, d) sums
//   grad[v, d] += Σ_{n : tokens[n] = v} d_out[n, d]
// in a fixed order over n, so the result is deterministic without atomics.

override WG: u32 = 256;

struct EmbeddingParams {
  count: u32,          // N: number of tokens
  vocabulary: u32,     // V
  dim: u32,            // D
  padding_idx: i32,    // −1 for none
}

@group(0) @binding(0) var<uniform> params: EmbeddingParams;
@group(0) @binding(1) var<storage, read> tokens: array<i32>;           // [N]
@group(0) @binding(2) var<storage, read> table: array<f32>;            // [V, D]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;        // [N, D]
@group(0) @binding(4) var<storage, read> d_out: array<f32>;            // [N, D]
@group(0) @binding(5) var<storage, read_write> grad: array<f32>;       // [V, D]

fn counted(token: i32) -> bool {
  return token >= 0 && u32(token) < params.vocabulary && token != params.padding_idx;
}

@compute @workgroup_size(WG, 1, 1)
fn gather(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.count * params.dim) { return; }
  let token = tokens[i / params.dim];
  out[i] = select(0.0, table[u32(max(token, 0)) * params.dim + i % params.dim], counted(token));
}

@compute @workgroup_size(WG, 1, 1)
fn scatter_add(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.vocabulary * params.dim) { return; }
  let v = i32(i / params.dim);
  if (v == params.padding_idx) { return; }
  let d = i % params.dim;
  var sum = 0.0;
  for (var n = 0u; n < params.count; n++) {
    if (tokens[n] == v) { sum += d_out[n * params.dim + d]; }
  }
  grad[i] += sum;
}
