// Column reduction:  out[c] = alpha · Σ_r f(r, c) + beta · out[c],
//   f = x[r, c], x[r, c]² (SQUARE) or x[r, c] · y[r, c] (PRODUCT: a gain's gradient, Σ dy ⊙ x̂)
//
// x is [rows, cols] row-major with leading dimension ld (elements) from offset_x; y likewise
// with ld_y and offset_y.
// Dispatch: (ceil(cols / WG_COLS), ceil(rows / rows_per_group), 1). Workgroup (x, y)
// sums rows [y·rows_per_group, (y+1)·rows_per_group) of a WG_COLS-wide column strip:
// WG_ROWS lanes per column stride down the rows, then fold in workgroup memory in a
// fixed order, so results are deterministic. With several row groups the host writes
// partial sums to out as [groups, cols] (alpha 1, beta 0) and reduces them again.

override SQUARE: bool = false;
override PRODUCT: bool = false;
override WG_COLS: u32 = 64;
override WG_ROWS: u32 = 4;

struct ReduceParams {
  rows: u32,
  cols: u32,
  ld: u32,
  offset_x: u32,
  offset_out: u32,
  rows_per_group: u32,
  alpha: f32,
  beta: f32,     // 0 means out is not read
  ld_y: u32,
  offset_y: u32,
}

@group(0) @binding(0) var<uniform> params: ReduceParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;            // [rows, cols], leading dim ld
@group(0) @binding(2) var<storage, read_write> out: array<f32>;    // [row groups, cols]
@group(0) @binding(3) var<storage, read> y: array<f32>;            // [rows, cols], leading dim ld_y (PRODUCT)

var<workgroup> partial: array<f32, WG_COLS * WG_ROWS>;   // [WG_ROWS][WG_COLS]

@compute @workgroup_size(WG_COLS, WG_ROWS, 1)
fn main(
  @builtin(workgroup_id) group: vec3<u32>,
  @builtin(local_invocation_id) local: vec3<u32>,
) {
  let col = group.x * WG_COLS + local.x;
  let row_begin = group.y * params.rows_per_group;
  let row_end = min(row_begin + params.rows_per_group, params.rows);

  var sum = 0.0;
  if (col < params.cols) {
    for (var r = row_begin + local.y; r < row_end; r += WG_ROWS) {
      let v = x[params.offset_x + r * params.ld + col];
      if (PRODUCT) {
        sum += v * y[params.offset_y + r * params.ld_y + col];
      } else {
        sum += select(v, v * v, SQUARE);
      }
    }
  }
  partial[local.y * WG_COLS + local.x] = sum;
  workgroupBarrier();

  if (local.y == 0u && col < params.cols) {
    var total = 0.0;
    for (var lane = 0u; lane < WG_ROWS; lane++) {
      total += partial[lane * WG_COLS + local.x];
    }
    let at = params.offset_out + group.y * params.cols + col;
    var value = params.alpha * total;
    if (params.beta != 0.0) { value += params.beta * out[at]; }
    out[at] = value;
  }
}
