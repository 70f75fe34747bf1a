// Next-token choice from logits, one invocation per row (a row is one sequence being
// generated); rows are independent, so many samples are drawn at once.
//
//   temperature = 0:  greedy, the first index of the largest logit
//   temperature > 0:  p_j ∝ exp((l_j − max) / temperature) over the allowed j, drawn with a
//                     uniform from a hash of (seed, row, step): the same seed gives the same text
//   top_k > 0:        only the top_k largest logits are allowed (all ties at the k-th value too)
//
// The chosen id goes to `next` (the next step's input) and to row `step` of `sequence`.
// Dispatch: (ceil(rows / WG), 1, 1). A row is scanned serially: fine for character and
// small word vocabularies.

override WG: u32 = 64;

struct SamplingParams {
  rows: u32,           // N
  classes: u32,        // V
  temperature: f32,
  top_k: u32,          // 0: no limit
  seed: u32,
  step: u32,           // row of `sequence` to write
  logits_offset: u32,  // element offset of row 0 in `logits` (the last step of a prompt)
}

@group(0) @binding(0) var<uniform> params: SamplingParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;           // [.., N, V]
@group(0) @binding(2) var<storage, read_write> next: array<i32>;       // [N]
@group(0) @binding(3) var<storage, read_write> sequence: array<i32>;   // [steps, N]

// PCG hash (O'Neill): a good 32-bit mix for per-row random numbers.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// The k-th largest logit of the row (k ≥ 1); every logit ≥ it is allowed.
fn top_k_threshold(base: u32, k: u32) -> f32 {
  var threshold = 3.4e38;
  var kept = 0u;
  loop {
    // The largest value below the current threshold, and how often it occurs.
    var next_value = -3.4e38;
    for (var j = 0u; j < params.classes; j++) {
      let l = logits[base + j];
      if (l < threshold && l > next_value) { next_value = l; }
    }
    var count = 0u;
    for (var j = 0u; j < params.classes; j++) {
      if (logits[base + j] == next_value) { count++; }
    }
    threshold = next_value;
    kept += count;
    if (kept >= k || count == 0u) { break; }
  }
  return threshold;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let row = id.x;
  if (row >= params.rows) { return; }
  let base = params.logits_offset + row * params.classes;
  var best = 0u;
  var largest = logits[base];
  for (var j = 1u; j < params.classes; j++) {
    let l = logits[base + j];
    if (l > largest) { largest = l; best = j; }
  }
  var chosen = best;
  if (params.temperature > 0.0) {
    var threshold = -3.4e38;
    if (params.top_k > 0u && params.top_k < params.classes) { threshold = top_k_threshold(base, params.top_k); }
    var total = 0.0;
    for (var j = 0u; j < params.classes; j++) {
      let l = logits[base + j];
      if (l >= threshold) { total += exp((l - largest) / params.temperature); }
    }
    let u = f32(pcg(params.seed ^ pcg(row ^ pcg(params.step))) >> 8u) / 16777216.0;   // [0, 1)
    let drawn = u * total;
    var cumulative = 0.0;
    for (var j = 0u; j < params.classes; j++) {
      let l = logits[base + j];
      if (l >= threshold) {
        cumulative += exp((l - largest) / params.temperature);
        chosen = j;
        if (cumulative > drawn) { break; }
      }
    }
  }
  next[row] = i32(chosen);
  sequence[params.step * params.rows + row] = i32(chosen);
}
