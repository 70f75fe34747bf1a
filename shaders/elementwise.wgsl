// Elementwise kernels over `count` elements. Dispatch: (ceil(count / WG), rows, 1) with
// element i = id.x + id.y · groups.x · WG.
//   OP 0, axpy:    y[i] += alpha · x[i]                         (gradient accumulation)
//   OP 1, dropout: y[i] = x[i] · keep(key(i)) / (1 − p)         (inverted dropout)
// The dropout mask comes from a hash of (seed, key), so backward recomputes it instead of
// storing it, and a seed gives the same mask anywhere. key(i) = (i / key_div) · key_mod +
// i % key_mod: key_div = key_mod = count gives a mask per element; for variational dropout
// the key drops the time index, so every step shares one mask per (sequence, feature).

override OP: u32 = 0u;
override WG: u32 = 256;

struct ElementwiseParams {
  count: u32,
  alpha: f32,
  p: f32,          // dropout probability
  seed: u32,
  key_div: u32,
  key_mod: u32,
}

@group(0) @binding(0) var<uniform> params: ElementwiseParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;            // [count]
@group(0) @binding(2) var<storage, read_write> y: array<f32>;      // [count]

// PCG hash (O'Neill), a good 32-bit mix for per-element random numbers.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.count) { return; }
  if (OP == 0u) {
    y[i] += params.alpha * x[i];
  } else {
    let key = (i / params.key_div) * params.key_mod + i % params.key_mod;
    let u = f32(pcg(params.seed ^ pcg(key)) >> 8u) / 16777216.0;   // uniform in [0, 1)
    y[i] = select(0.0, x[i] / (1.0 - params.p), u >= params.p);
  }
}
