// Gradient clipping, in place, for one tensor:
//   BY_NORM:   g ← g · min(1, max_norm / (√norm_sq + 1e-6))   (PyTorch's clip_grad_norm_)
//   otherwise: g ← clamp(g, −clip_value, clip_value)          (clip_grad_value_)
// norm_sq[0] is the global squared norm over all gradients, computed on the GPU, so the
// clip needs no read-back. Dispatch: (ceil(count / WG), 1, 1), one element per invocation.

override BY_NORM: bool = true;
override WG: u32 = 256;

struct ClipParams {
  count: u32,
  max_norm: f32,
  clip_value: f32,
}

@group(0) @binding(0) var<uniform> params: ClipParams;
@group(0) @binding(1) var<storage, read> norm_sq: array<f32>;      // [1]
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;   // [count]

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.count) { return; }
  if (BY_NORM) {
    grad[i] *= min(1.0, params.max_norm / (sqrt(norm_sq[0]) + 1e-6));
  } else {
    grad[i] = clamp(grad[i], -params.clip_value, params.clip_value);
  }
}
