// Tiled, batched GEMM:  C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b] + bias
//
// op(A) is [M, K], op(B) is [K, N], C is [M, N]; all row-major with leading dimensions
// lda, ldb, ldc (in elements). TRANS_A / TRANS_B read A as [K, M] and B as [N, K].
// bias (when HAS_BIAS) is a length-N row vector added to every row of C.
//
// Dispatch: (ceil(N / TILE_N), ceil(M / TILE_M), batch). Each workgroup of
// WG_N × WG_M invocations computes a TILE_M × TILE_N block of C; each invocation owns a
// 4 × 4 micro-tile (rows ty*4.., columns tx*4..), accumulating in registers while
// TILE_K-deep slabs of op(A) and op(B) pass through workgroup memory.
// Out-of-range elements load as zero, so any M, N, K works.
//
// Entry point `direct` computes the same product without workgroup memory or barriers:
// each invocation owns an 8 × 8 block of C and reads op(A) and op(B) straight from storage.
// On CPU implementations (SwiftShader) a barrier switches every 4-lane group's coroutine,
// which costs more than the reuse a tile gives; there `direct` is several times faster.
// Dispatch: (x, y, batch) with x · y · DIRECT_WG ≥ ceil(M / 8) · ceil(N / 8).

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override HAS_BIAS: bool = false;
override WG_N: u32 = 16;
override WG_M: u32 = 16;
override TILE_K: u32 = 16;

override DIRECT_WG: u32 = 64;

const MICRO: u32 = 4u;
const DIRECT_MICRO: u32 = 8u;

struct GemmParams {
  M: u32,
  N: u32,
  K: u32,
  lda: u32,
  ldb: u32,
  ldc: u32,
  offset_a: u32,   // element offset of A[0] in a
  offset_b: u32,
  offset_c: u32,
  offset_bias: u32,
  stride_a: u32,   // elements between consecutive batch items (0 broadcasts)
  stride_b: u32,
  stride_c: u32,
  alpha: f32,
  beta: f32,      // 0 means C is not read, so it may hold anything
}

@group(0) @binding(0) var<uniform> params: GemmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;          // [batch] × op(A) [M, K]
@group(0) @binding(2) var<storage, read> b: array<f32>;          // [batch] × op(B) [K, N]
@group(0) @binding(3) var<storage, read> bias: array<f32>;       // [N] (unused without HAS_BIAS)
@group(0) @binding(4) var<storage, read_write> c: array<f32>;    // [batch] × [M, N]

// Slabs stored k-major as vec4 groups of 4 consecutive rows (A) or columns (B).
var<workgroup> tile_a: array<vec4<f32>, TILE_K * WG_M>;   // [TILE_K][TILE_M / 4]
var<workgroup> tile_b: array<vec4<f32>, TILE_K * WG_N>;   // [TILE_K][TILE_N / 4]

// Branch-free bounds handling: out-of-range reads go to the base element and are
// replaced by zero, which keeps SIMD lanes of CPU implementations in step.
fn load_a(base: u32, row: u32, k: u32) -> f32 {
  let inside = row < params.M && k < params.K;
  let at = select(row * params.lda + k, k * params.lda + row, TRANS_A);
  return select(0.0, a[base + select(0u, at, inside)], inside);
}

fn load_b(base: u32, k: u32, col: u32) -> f32 {
  let inside = k < params.K && col < params.N;
  let at = select(k * params.ldb + col, col * params.ldb + k, TRANS_B);
  return select(0.0, b[base + select(0u, at, inside)], inside);
}

@compute @workgroup_size(WG_N, WG_M, 1)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
  @builtin(local_invocation_index) flat: u32,
) {
  let tile_m = WG_M * MICRO;
  let tile_n = WG_N * MICRO;
  let row0 = group.y * tile_m;
  let col0 = group.x * tile_n;
  let base_a = params.offset_a + group.z * params.stride_a;
  let base_b = params.offset_b + group.z * params.stride_b;
  let base_c = params.offset_c + group.z * params.stride_c;
  let threads = WG_N * WG_M;

  // Four named accumulators, never indexed dynamically, so they stay in registers.
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < params.K; k0 += TILE_K) {
    // Cooperative load: one vec4 slot = 4 consecutive rows of A (or columns of B) at one k.
    for (var slot = flat; slot < TILE_K * WG_M; slot += threads) {
      let kk = slot / WG_M;
      let r = row0 + (slot % WG_M) * MICRO;
      tile_a[slot] = vec4<f32>(load_a(base_a, r, k0 + kk), load_a(base_a, r + 1u, k0 + kk),
                               load_a(base_a, r + 2u, k0 + kk), load_a(base_a, r + 3u, k0 + kk));
    }
    for (var slot = flat; slot < TILE_K * WG_N; slot += threads) {
      let kk = slot / WG_N;
      let n = col0 + (slot % WG_N) * MICRO;
      tile_b[slot] = vec4<f32>(load_b(base_b, k0 + kk, n), load_b(base_b, k0 + kk, n + 1u),
                               load_b(base_b, k0 + kk, n + 2u), load_b(base_b, k0 + kk, n + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let av = tile_a[kk * WG_M + local.y];
      let bv = tile_b[kk * WG_N + local.x];
      acc0 = fma(vec4<f32>(av.x), bv, acc0);
      acc1 = fma(vec4<f32>(av.y), bv, acc1);
      acc2 = fma(vec4<f32>(av.z), bv, acc2);
      acc3 = fma(vec4<f32>(av.w), bv, acc3);
    }
    workgroupBarrier();
  }

  let row = row0 + local.y * MICRO;
  let col = col0 + local.x * MICRO;
  store_row(base_c, row, col, acc0);
  store_row(base_c, row + 1u, col, acc1);
  store_row(base_c, row + 2u, col, acc2);
  store_row(base_c, row + 3u, col, acc3);
}

// Writes one row of a micro-tile: alpha · acc + beta · C + bias, skipping columns past N.
fn store_row(base_c: u32, row: u32, col: u32, acc: vec4<f32>) {
  if (row >= params.M) { return; }
  var values = params.alpha * acc;
  for (var j = 0u; j < MICRO; j++) {
    if (col + j >= params.N) { return; }
    let at = base_c + row * params.ldc + col + j;
    var value = values[j];
    if (params.beta != 0.0) { value += params.beta * c[at]; }
    if (HAS_BIAS) { value += bias[params.offset_bias + col + j]; }
    c[at] = value;
  }
}

@compute @workgroup_size(DIRECT_WG, 1, 1)
fn direct(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let tiles_n = (params.N + DIRECT_MICRO - 1u) / DIRECT_MICRO;
  let tiles_m = (params.M + DIRECT_MICRO - 1u) / DIRECT_MICRO;
  let flat = (group.y * groups.x + group.x) * DIRECT_WG + lane;
  if (flat >= tiles_m * tiles_n) { return; }
  let row0 = (flat / tiles_n) * DIRECT_MICRO;
  let col0 = (flat % tiles_n) * DIRECT_MICRO;
  let base_a = params.offset_a + group.z * params.stride_a;
  let base_b = params.offset_b + group.z * params.stride_b;
  let base_c = params.offset_c + group.z * params.stride_c;

  // Rows and columns past the edge read the last one (in range) and are never stored.
  // op(A)[r, k] = a[base_a + r · a_row + k · a_k]; op(B)[k, n] = b[base_b + k · b_k + n · b_col].
  let a_row = select(params.lda, 1u, TRANS_A);
  let a_k = select(1u, params.lda, TRANS_A);
  let b_col = select(1u, params.ldb, TRANS_B);
  let b_k = select(params.ldb, 1u, TRANS_B);
  let last_m = params.M - 1u;
  let last_n = params.N - 1u;
  let ra0 = base_a + min(row0, last_m) * a_row;
  let ra1 = base_a + min(row0 + 1u, last_m) * a_row;
  let ra2 = base_a + min(row0 + 2u, last_m) * a_row;
  let ra3 = base_a + min(row0 + 3u, last_m) * a_row;
  let ra4 = base_a + min(row0 + 4u, last_m) * a_row;
  let ra5 = base_a + min(row0 + 5u, last_m) * a_row;
  let ra6 = base_a + min(row0 + 6u, last_m) * a_row;
  let ra7 = base_a + min(row0 + 7u, last_m) * a_row;
  let cb0 = base_b + min(col0, last_n) * b_col;
  let cb1 = base_b + min(col0 + 1u, last_n) * b_col;
  let cb2 = base_b + min(col0 + 2u, last_n) * b_col;
  let cb3 = base_b + min(col0 + 3u, last_n) * b_col;
  let cb4 = base_b + min(col0 + 4u, last_n) * b_col;
  let cb5 = base_b + min(col0 + 5u, last_n) * b_col;
  let cb6 = base_b + min(col0 + 6u, last_n) * b_col;
  let cb7 = base_b + min(col0 + 7u, last_n) * b_col;

  // Sixteen named accumulators: rows 0–7, columns 0–3 (l) and 4–7 (h).
  var l0 = vec4<f32>(0.0); var h0 = vec4<f32>(0.0);
  var l1 = vec4<f32>(0.0); var h1 = vec4<f32>(0.0);
  var l2 = vec4<f32>(0.0); var h2 = vec4<f32>(0.0);
  var l3 = vec4<f32>(0.0); var h3 = vec4<f32>(0.0);
  var l4 = vec4<f32>(0.0); var h4 = vec4<f32>(0.0);
  var l5 = vec4<f32>(0.0); var h5 = vec4<f32>(0.0);
  var l6 = vec4<f32>(0.0); var h6 = vec4<f32>(0.0);
  var l7 = vec4<f32>(0.0); var h7 = vec4<f32>(0.0);
  for (var k = 0u; k < params.K; k++) {
    let ka = k * a_k;
    let kb = k * b_k;
    let bl = vec4<f32>(b[cb0 + kb], b[cb1 + kb], b[cb2 + kb], b[cb3 + kb]);
    let bh = vec4<f32>(b[cb4 + kb], b[cb5 + kb], b[cb6 + kb], b[cb7 + kb]);
    let a0 = vec4<f32>(a[ra0 + ka]); l0 = fma(a0, bl, l0); h0 = fma(a0, bh, h0);
    let a1 = vec4<f32>(a[ra1 + ka]); l1 = fma(a1, bl, l1); h1 = fma(a1, bh, h1);
    let a2 = vec4<f32>(a[ra2 + ka]); l2 = fma(a2, bl, l2); h2 = fma(a2, bh, h2);
    let a3 = vec4<f32>(a[ra3 + ka]); l3 = fma(a3, bl, l3); h3 = fma(a3, bh, h3);
    let a4 = vec4<f32>(a[ra4 + ka]); l4 = fma(a4, bl, l4); h4 = fma(a4, bh, h4);
    let a5 = vec4<f32>(a[ra5 + ka]); l5 = fma(a5, bl, l5); h5 = fma(a5, bh, h5);
    let a6 = vec4<f32>(a[ra6 + ka]); l6 = fma(a6, bl, l6); h6 = fma(a6, bh, h6);
    let a7 = vec4<f32>(a[ra7 + ka]); l7 = fma(a7, bl, l7); h7 = fma(a7, bh, h7);
  }
  store_row(base_c, row0, col0, l0); store_row(base_c, row0, col0 + 4u, h0);
  store_row(base_c, row0 + 1u, col0, l1); store_row(base_c, row0 + 1u, col0 + 4u, h1);
  store_row(base_c, row0 + 2u, col0, l2); store_row(base_c, row0 + 2u, col0 + 4u, h2);
  store_row(base_c, row0 + 3u, col0, l3); store_row(base_c, row0 + 3u, col0 + 4u, h3);
  store_row(base_c, row0 + 4u, col0, l4); store_row(base_c, row0 + 4u, col0 + 4u, h4);
  store_row(base_c, row0 + 5u, col0, l5); store_row(base_c, row0 + 5u, col0 + 4u, h5);
  store_row(base_c, row0 + 6u, col0, l6); store_row(base_c, row0 + 6u, col0 + 4u, h6);
  store_row(base_c, row0 + 7u, col0, l7); store_row(base_c, row0 + 7u, col0 + 4u, h7);
}
