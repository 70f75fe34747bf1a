// Fused softmax + cross-entropy over rows of logits, with an ignore index for padding.
//
// Entry `rows`, dispatch (rows, 1, 1) (or a 2D grid past the per-dimension limit), one
// workgroup per row r with target k = targets[r] (for wide rows; `rows_serial`, dispatch
// (ceil(rows / WG), 1, 1) or 2D, gives each invocation a whole row, without barriers, for
// narrow ones):
//   loss_rows[r] = logsumexp(logits[r]) − logits[r, k]     (max subtracted first)
//   valid[r] = 1, and d_logits[r] = softmax(logits[r]) − onehot(k)
//   or, when k == ignore_index: loss_rows[r] = 0, valid[r] = 0, d_logits[r] = 0
//   or, when k is outside [0, classes): as ignored, and id_errors[check_slot] = min(…, r)
// Entry `finish`, dispatch (1, 1, 1): loss = Σ loss_rows (/ Σ valid for the mean) and
// scale = 1 (or 1 / Σ valid), both written to `totals` = [loss, scale].
// Entry `scale_rows`, dispatch (ceil(rows · classes / WG), 1, 1): d_logits ·= totals[1] · upstream
// where upstream = seed[0], the gradient arriving at the loss.

override WG: u32 = 256;
override MEAN: bool = true;

struct CrossEntropyParams {
  rows: u32,
  classes: u32,
  ignore_index: i32,
  check_slot: u32,     // the id_errors slot that flags a target outside [0, classes)
}

@group(0) @binding(0) var<uniform> params: CrossEntropyParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;        // [rows, classes]
@group(0) @binding(2) var<storage, read> targets: array<i32>;       // [rows]
@group(0) @binding(3) var<storage, read_write> d_logits: array<f32>;  // [rows, classes]
@group(0) @binding(4) var<storage, read_write> loss_rows: array<f32>; // [rows, 2]: loss, valid
@group(0) @binding(5) var<storage, read_write> totals: array<f32>;  // [2]: loss, gradient scale
@group(0) @binding(6) var<storage, read> seed: array<f32>;          // [1]: dL/d loss
@group(0) @binding(7) var<storage, read_write> id_errors: array<atomic<u32>>; // [slots]: first bad row

var<workgroup> scratch: array<f32, WG>;

// Whether row r counts; a target neither ignored nor a class is flagged (the row then counts as ignored).
fn counted(r: u32, target_class: i32) -> bool {
  if (target_class == params.ignore_index) { return false; }
  if (target_class < 0 || u32(target_class) >= params.classes) {
    atomicMin(&id_errors[params.check_slot], r);
    return false;
  }
  return true;
}

fn reduce_max(lid: u32, value: f32) -> f32 {
  scratch[lid] = value;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { scratch[lid] = max(scratch[lid], scratch[lid + stride]); }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

fn reduce_sum(lid: u32, value: f32) -> f32 {
  scratch[lid] = value;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { scratch[lid] += scratch[lid + stride]; }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(WG, 1, 1)
fn rows(@builtin(workgroup_id) group: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = group.x + group.y * groups.x;
  if (r >= params.rows) { return; }
  let base = r * params.classes;
  let target_class = targets[r];
  if (!counted(r, target_class)) {
    for (var c = lid; c < params.classes; c += WG) { d_logits[base + c] = 0.0; }
    if (lid == 0u) { loss_rows[2u * r] = 0.0; loss_rows[2u * r + 1u] = 0.0; }
    return;
  }
  var local_max = -3.4e38;
  for (var c = lid; c < params.classes; c += WG) { local_max = max(local_max, logits[base + c]); }
  let row_max = reduce_max(lid, local_max);
  var local_sum = 0.0;
  for (var c = lid; c < params.classes; c += WG) { local_sum += exp(logits[base + c] - row_max); }
  let total = reduce_sum(lid, local_sum);
  for (var c = lid; c < params.classes; c += WG) {
    let p = exp(logits[base + c] - row_max) / total;
    d_logits[base + c] = select(p, p - 1.0, i32(c) == target_class);
  }
  if (lid == 0u) {
    loss_rows[2u * r] = log(total) + row_max - logits[base + u32(target_class)];
    loss_rows[2u * r + 1u] = 1.0;
  }
}

@compute @workgroup_size(WG, 1, 1)
fn rows_serial(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = id.x + id.y * groups.x * WG;
  if (r >= params.rows) { return; }
  let base = r * params.classes;
  let target_class = targets[r];
  if (!counted(r, target_class)) {
    for (var c = 0u; c < params.classes; c++) { d_logits[base + c] = 0.0; }
    loss_rows[2u * r] = 0.0;
    loss_rows[2u * r + 1u] = 0.0;
    return;
  }
  var row_max = -3.4e38;
  for (var c = 0u; c < params.classes; c++) { row_max = max(row_max, logits[base + c]); }
  var total = 0.0;
  for (var c = 0u; c < params.classes; c++) { total += exp(logits[base + c] - row_max); }
  for (var c = 0u; c < params.classes; c++) {
    let p = exp(logits[base + c] - row_max) / total;
    d_logits[base + c] = select(p, p - 1.0, i32(c) == target_class);
  }
  loss_rows[2u * r] = log(total) + row_max - logits[base + u32(target_class)];
  loss_rows[2u * r + 1u] = 1.0;
}

@compute @workgroup_size(WG, 1, 1)
fn finish(@builtin(local_invocation_index) lid: u32) {
  var loss = 0.0;
  var count = 0.0;
  for (var r = lid; r < params.rows; r += WG) {
    loss += loss_rows[2u * r];
    count += loss_rows[2u * r + 1u];
  }
  let loss_sum = reduce_sum(lid, loss);
  let count_sum = reduce_sum(lid, count);
  if (lid == 0u) {
    let scale = select(1.0, 1.0 / max(count_sum, 1.0), MEAN);
    totals[0] = loss_sum * scale;
    totals[1] = scale;
  }
}

@compute @workgroup_size(WG, 1, 1)
fn scale_rows(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  if (i >= params.rows * params.classes) { return; }
  d_logits[i] *= totals[1] * seed[0];
}
