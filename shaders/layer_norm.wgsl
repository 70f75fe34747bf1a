// Layer normalisation over the last dimension (F features) of R rows:
//   y = (x − mean) · rstd · gamma + beta,   rstd = 1 / sqrt(var + eps)   (biased variance)
// Row r uses parameter set r mod S of gamma and beta ([S, F]): S = 1 for a LayerNorm layer,
// S = D for the directions of a recurrent layer's input projection (rows × [D, G·H]), whose
// x and statistics a recurrent layer keeps at offsets inside its saved activations.
//
// Entry `forward`, one invocation per row, dispatch (ceil(R / WG), y, 1): writes y and
//   keeps mean and rstd per row for backward (two passes over the row: stable variance).
// Entry `backward_input`, one invocation per row: with g = dy ⊙ gamma and x̂ the
//   normalised input,  dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)).
// Entry `backward_params`, one invocation per (set, feature): d_gamma[s, f] += Σ_r dy · x̂,
//   d_beta[s, f] += Σ_r dy over the set's rows, in a fixed order (deterministic, no atomics).

override WG: u32 = 64;

struct LayerNormParams {
  rows: u32,           // R
  features: u32,       // F
  eps: f32,
  sets: u32,           // S
  x_offset: u32,       // where x starts in its buffer (elements)
  stats_offset: u32,   // where stats / saved_stats start
}

@group(0) @binding(0) var<uniform> params: LayerNormParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;                // [R, F]
@group(0) @binding(2) var<storage, read> gamma: array<f32>;            // [S, F]
@group(0) @binding(3) var<storage, read> beta: array<f32>;             // [S, F]
@group(0) @binding(4) var<storage, read_write> y: array<f32>;          // [R, F]
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;      // [R, 2]: mean, rstd (written by forward)
@group(0) @binding(6) var<storage, read> dy: array<f32>;               // [R, F]
@group(0) @binding(7) var<storage, read> saved_stats: array<f32>;      // [R, 2] (read by backward)
@group(0) @binding(8) var<storage, read_write> dx: array<f32>;         // [R, F]
@group(0) @binding(9) var<storage, read_write> d_gamma: array<f32>;    // [S, F], added to
@group(0) @binding(10) var<storage, read_write> d_beta: array<f32>;    // [S, F], added to

fn index_of(id: vec3<u32>, groups: vec3<u32>) -> u32 {
  return id.x + id.y * groups.x * WG;
}

@compute @workgroup_size(WG, 1, 1)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = index_of(id, groups);
  if (r >= params.rows) { return; }
  let F = params.features;
  let base = r * F;
  var sum = 0.0;
  for (var f = 0u; f < F; f++) { sum += x[params.x_offset + base + f]; }
  let mean = sum / f32(F);
  var squares = 0.0;
  for (var f = 0u; f < F; f++) {
    let centred = x[params.x_offset + base + f] - mean;
    squares += centred * centred;
  }
  let rstd = inverseSqrt(squares / f32(F) + params.eps);
  let params_at = (r % params.sets) * F;
  for (var f = 0u; f < F; f++) {
    y[base + f] = (x[params.x_offset + base + f] - mean) * rstd * gamma[params_at + f] + beta[params_at + f];
  }
  stats[params.stats_offset + 2u * r] = mean;
  stats[params.stats_offset + 2u * r + 1u] = rstd;
}

@compute @workgroup_size(WG, 1, 1)
fn backward_input(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = index_of(id, groups);
  if (r >= params.rows) { return; }
  let F = params.features;
  let base = r * F;
  let mean = saved_stats[params.stats_offset + 2u * r];
  let rstd = saved_stats[params.stats_offset + 2u * r + 1u];
  let params_at = (r % params.sets) * F;
  var mean_g = 0.0;
  var mean_gx = 0.0;
  for (var f = 0u; f < F; f++) {
    let g = dy[base + f] * gamma[params_at + f];
    mean_g += g;
    mean_gx += g * (x[params.x_offset + base + f] - mean) * rstd;
  }
  mean_g /= f32(F);
  mean_gx /= f32(F);
  for (var f = 0u; f < F; f++) {
    let x_hat = (x[params.x_offset + base + f] - mean) * rstd;
    dx[base + f] = rstd * (dy[base + f] * gamma[params_at + f] - mean_g - x_hat * mean_gx);
  }
}

@compute @workgroup_size(WG, 1, 1)
fn backward_params(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let index = index_of(id, groups);
  if (index >= params.sets * params.features) { return; }
  let f = index % params.features;
  var sum_gamma = 0.0;
  var sum_beta = 0.0;
  for (var r = index / params.features; r < params.rows; r += params.sets) {
    let at = r * params.features + f;
    let x_hat = (x[params.x_offset + at] - saved_stats[params.stats_offset + 2u * r]) * saved_stats[params.stats_offset + 2u * r + 1u];
    sum_gamma += dy[at] * x_hat;
    sum_beta += dy[at];
  }
  d_gamma[index] += sum_gamma;
  d_beta[index] += sum_beta;
}
