// Optimizer update for one parameter tensor, elementwise, with PyTorch's semantics:
//   METHOD 0, SGD:   g += wd·p;  buf = first ? g : μ·buf + (1−dampening)·g;
//                    g = NESTEROV ? g + μ·buf : buf  (when μ > 0);  p −= lr·g
//   METHOD 1, Adam:  DECOUPLED (AdamW) ? p ·= 1 − lr·wd : g += wd·p;
//                    m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;
//                    p −= lr · (m / bc1) / (√(v / bc2) + ε),  bc_k = 1 − β_k^step
//   METHOD 2, Adagrad: g += wd·p;  s += g²;  p −= lr · g / (√s + ε)
// state1 is the momentum buffer, m, or s; state2 is v (Adam). Dispatch: (ceil(count / WG), 1, 1).

override METHOD: u32 = 0u;
override NESTEROV: bool = false;
override DECOUPLED: bool = false;
override WG: u32 = 256;

struct OptimizerParams {
  count: u32,
  first_step: u32,       // 1 on the first step (SGD's momentum buffer starts at g)
  lr: f32,
  weight_decay: f32,
  momentum: f32,
  dampening: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  bias_correction1: f32,
  bias_correction2: f32,
}

@group(0) @binding(0) var<uniform> params: OptimizerParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;   // [count]
@group(0) @binding(2) var<storage, read> grad: array<f32>;          // [count]
@group(0) @binding(3) var<storage, read_write> state1: array<f32>;  // [count]
@group(0) @binding(4) var<storage, read_write> state2: array<f32>;  // [count] (Adam), else unused

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.count) { return; }
  var p = param[i];
  var g = grad[i];
  let wd = params.weight_decay;
  if (METHOD == 0u) {
    g += wd * p;
    if (params.momentum != 0.0) {
      var buf = g;
      if (params.first_step == 0u) { buf = params.momentum * state1[i] + (1.0 - params.dampening) * g; }
      state1[i] = buf;
      g = select(buf, g + params.momentum * buf, NESTEROV);
    }
    p -= params.lr * g;
  } else if (METHOD == 1u) {
    if (DECOUPLED) { p *= 1.0 - params.lr * wd; } else { g += wd * p; }
    let m = params.beta1 * state1[i] + (1.0 - params.beta1) * g;
    let v = params.beta2 * state2[i] + (1.0 - params.beta2) * g * g;
    state1[i] = m;
    state2[i] = v;
    p -= params.lr * (m / params.bias_correction1) / (sqrt(v / params.bias_correction2) + params.eps);
  } else {
    g += wd * p;
    let s = state1[i] + g * g;
    state1[i] = s;
    p -= params.lr * g / (sqrt(s) + params.eps);
  }
  param[i] = p;
}
