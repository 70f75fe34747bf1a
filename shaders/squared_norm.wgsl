// Partial sums of squares (or of values), for the global gradient norm:
//   out[offset_out + g] = Σ f(x[offset_x + i]) over block g,  f(v) = v² (SQUARE) or v
//
// x holds `count` elements from offset_x. Dispatch: (ceil(count / (WG · PER_THREAD)), 1, 1).
// Each workgroup sums one block of WG · PER_THREAD elements, folding in workgroup memory
// in a fixed order, so results are deterministic. Squares of every gradient tensor go to
// consecutive slots of one partial buffer; a last dispatch with SQUARE off and one
// workgroup adds the partials into the norm².

override SQUARE: bool = true;
override WG: u32 = 256;
override PER_THREAD: u32 = 16;

struct NormParams {
  count: u32,
  offset_x: u32,
  offset_out: u32,
  accumulate: u32,   // 1: add to out[offset_out] instead of overwriting (single-workgroup pass)
}

@group(0) @binding(0) var<uniform> params: NormParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;            // [count] from offset_x
@group(0) @binding(2) var<storage, read_write> out: array<f32>;    // [blocks] from offset_out

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let block_size = WG * PER_THREAD;
  let begin = group.x * block_size;
  let end = select(min(begin + block_size, params.count), params.count, params.accumulate == 1u);
  var sum = 0.0;
  for (var i = begin + lid; i < end; i += WG) {
    let v = x[params.offset_x + i];
    sum += select(v, v * v, SQUARE);
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let at = params.offset_out + group.x;
    out[at] = select(partial[0], out[at] + partial[0], params.accumulate == 1u);
  }
}
