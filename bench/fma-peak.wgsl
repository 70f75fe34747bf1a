// FMA throughput microbenchmark: each invocation runs ITERATIONS rounds of 8 independent
// vec4 FMA chains (32 scalar FMAs a round, 64 FLOPs), then stores one value so that nothing
// is optimised away. Dispatch: (groups, 1, 1) with 256 invocations each.

override ITERATIONS: u32 = 4096;

@group(0) @binding(0) var<storage, read_write> out: array<f32>;   // [groups · 256]

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let seed = f32(id.x) * 1e-6;
  var a0 = vec4<f32>(seed);
  var a1 = a0 + 0.1;
  var a2 = a0 + 0.2;
  var a3 = a0 + 0.3;
  var a4 = a0 + 0.4;
  var a5 = a0 + 0.5;
  var a6 = a0 + 0.6;
  var a7 = a0 + 0.7;
  let m = vec4<f32>(0.9999);
  let c = vec4<f32>(1e-4);
  for (var i = 0u; i < ITERATIONS; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  let sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
  out[id.x] = sum.x + sum.y + sum.z + sum.w;
}
