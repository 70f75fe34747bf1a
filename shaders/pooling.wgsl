// Pooling a recurrent network's outputs into one vector per sequence, for many-to-one models.
//
// Entry `mean`, dispatch over N·F: pooled[n, f] = (1 / len_n) Σ_{t < len_n} out[t, n, f]
// Entry `mean_backward`, dispatch over T·N·F: d_out[t, n, f] = d_pooled[n, f] / len_n for
//   t < len_n, else 0.
// Entry `last`, dispatch over N·F: pooled[n, f] = state[block0 + f / H, n, f % H], the final
//   state of the last layer (both directions side by side: F = D·H).
// Entry `last_backward`, dispatch over blocks·N·H: d_state = d_pooled in the last layer's
//   blocks, 0 elsewhere.
// out and d_out are [T, N, F] time-major; lengths are in 1..T.

override WG: u32 = 64;

struct PoolingParams {
  steps: u32,          // T
  sequences: u32,      // N
  features: u32,       // F
  hidden: u32,         // H (last)
  blocks: u32,         // L·D state blocks (last)
  first_block: u32,    // (L − 1)·D: the last layer's first block (last)
}

@group(0) @binding(0) var<uniform> params: PoolingParams;
@group(0) @binding(1) var<storage, read> lengths: array<u32>;             // [N]
@group(0) @binding(2) var<storage, read> out: array<f32>;                 // [T, N, F]
@group(0) @binding(3) var<storage, read_write> pooled: array<f32>;        // [N, F]
@group(0) @binding(4) var<storage, read> d_pooled: array<f32>;            // [N, F]
@group(0) @binding(5) var<storage, read_write> d_out: array<f32>;         // [T, N, F]
@group(0) @binding(6) var<storage, read> state: array<f32>;               // [L·D, N, H]
@group(0) @binding(7) var<storage, read_write> d_state: array<f32>;       // [L·D, N, H]

fn index_of(id: vec3<u32>, groups: vec3<u32>) -> u32 {
  return id.x + id.y * groups.x * WG;
}

@compute @workgroup_size(WG, 1, 1)
fn mean(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index_of(id, groups);
  if (i >= params.sequences * params.features) { return; }
  let n = i / params.features;
  let f = i % params.features;
  let len = lengths[n];
  var sum = 0.0;
  for (var t = 0u; t < len; t++) { sum += out[(t * params.sequences + n) * params.features + f]; }
  pooled[i] = sum / f32(len);
}

@compute @workgroup_size(WG, 1, 1)
fn mean_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index_of(id, groups);
  if (i >= params.steps * params.sequences * params.features) { return; }
  let f = i % params.features;
  let n = (i / params.features) % params.sequences;
  let t = i / (params.features * params.sequences);
  let len = lengths[n];
  d_out[i] = select(0.0, d_pooled[n * params.features + f] / f32(len), t < len);
}

@compute @workgroup_size(WG, 1, 1)
fn last(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index_of(id, groups);
  if (i >= params.sequences * params.features) { return; }
  let n = i / params.features;
  let f = i % params.features;
  let source_block = params.first_block + f / params.hidden;
  pooled[i] = state[(source_block * params.sequences + n) * params.hidden + f % params.hidden];
}

@compute @workgroup_size(WG, 1, 1)
fn last_backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = index_of(id, groups);
  if (i >= params.blocks * params.sequences * params.hidden) { return; }
  let j = i % params.hidden;
  let n = (i / params.hidden) % params.sequences;
  let state_block = i / (params.hidden * params.sequences);
  if (state_block < params.first_block) {
    d_state[i] = 0.0;
  } else {
    d_state[i] = d_pooled[n * params.features + (state_block - params.first_block) * params.hidden + j];
  }
}
