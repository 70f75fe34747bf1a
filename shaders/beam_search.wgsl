// Beam search on the GPU, for N inputs with W beams each (rows r = n·W + w).
//
// Entry `select_beams`, one invocation per input n, dispatch (ceil(N / WG), 1, 1): expands
// every live beam of n by every token, with score = beam score + log_softmax(logits)[v],
// and keeps the W best by normalised score  score / length^alpha  (alpha = 0: raw sum of
// log-probabilities; alpha = 1: per-token average). A beam that chose `eos` is finished: it
// competes with its final score and length and is carried unchanged. Writes the new beam
// states, each beam's parent (relative, for backtracking, and absolute, for `gather_rows`)
// and token, in the history rows `step` (the host copies the token row to feed it next).
// Six storage buffers: under WebGPU's default limit of 8 per stage. With no_repeat_ngram = m > 0 a beam may
// not choose a token that completes an m-gram it already generated (character-level beam
// search otherwise loops); the beam's tokens are traced back through the history rows.
//
// Entry `gather_rows`, dispatch (ceil(count / WG), 1, 1) over count = blocks · out_rows ·
// width: out[k, r, :] = in[k, index[r], :], to move recurrent state with its beam (and to
// repeat an encoder's state W times at the start).

override WG: u32 = 64;
const MAX_WIDTH: u32 = 16u;     // widest beam (the host checks)
const DEAD: f32 = -1e30;        // score of a beam that does not exist yet
const MAX_NGRAM: u32 = 8u;      // longest blocked n-gram (the host checks)

struct BeamParams {
  inputs: u32,         // N
  width: u32,          // W
  classes: u32,        // V
  eos: i32,            // end-of-sequence id (−1: none)
  alpha: f32,          // length normalisation exponent
  step: u32,           // history row to write
  no_repeat_ngram: u32,// blocked n-gram size (0: off)
  // gather_rows
  blocks: u32,         // leading blocks (layers · directions)
  in_rows: u32,
  out_rows: u32,
  row_width: u32,      // elements per row (hidden size)
}

// One beam's running state (12 bytes; the host writes and reads it as [N·W, 3] 32-bit words).
struct Beam {
  score: f32,          // sum of log-probabilities
  length: u32,         // tokens so far (eos counted)
  finished: u32,       // 1 once eos was chosen
}

@group(0) @binding(0) var<uniform> params: BeamParams;
@group(0) @binding(1) var<storage, read> logits: array<f32>;               // [N·W, V]
@group(0) @binding(2) var<storage, read> beams_in: array<Beam>;            // [N·W]
@group(0) @binding(3) var<storage, read_write> beams_out: array<Beam>;     // [N·W]
@group(0) @binding(4) var<storage, read_write> source_row: array<u32>;     // [N·W] absolute parent row n·W + w
@group(0) @binding(5) var<storage, read_write> token_history: array<i32>;  // [steps, N·W]
@group(0) @binding(6) var<storage, read_write> parent_history: array<u32>; // [steps, N·W] parent beam w
@group(0) @binding(7) var<storage, read> rows_in: array<f32>;              // [blocks, in_rows, row_width]
@group(0) @binding(8) var<storage, read> index: array<u32>;                // [out_rows]
@group(0) @binding(9) var<storage, read_write> rows_out: array<f32>;       // [blocks, out_rows, row_width]

fn normalised(score: f32, length: u32) -> f32 {
  if (score <= DEAD) { return DEAD; }
  return score / pow(f32(max(length, 1u)), params.alpha);
}

@compute @workgroup_size(WG, 1, 1)
fn select_beams(@builtin(global_invocation_id) id: vec3<u32>) {
  let n = id.x;
  if (n >= params.inputs) { return; }
  let W = params.width;
  let V = params.classes;
  // The W best candidates so far, best first.
  var key: array<f32, MAX_WIDTH>;
  var score: array<f32, MAX_WIDTH>;
  var length: array<u32, MAX_WIDTH>;
  var done: array<u32, MAX_WIDTH>;
  var parent: array<u32, MAX_WIDTH>;
  var token: array<i32, MAX_WIDTH>;
  for (var i = 0u; i < MAX_WIDTH; i++) {
    key[i] = DEAD * 2.0;
    score[i] = DEAD;
    length[i] = 0u;
    done[i] = 1u;
    parent[i] = 0u;
    token[i] = max(params.eos, 0);
  }

  for (var w = 0u; w < W; w++) {
    let r = n * W + w;
    let beam = beams_in[r];
    let s = beam.score;
    if (beam.finished == 1u || s <= DEAD) {
      // One candidate: the beam as it is (a finished beam, or a slot not yet alive).
      insert(normalised(s, beam.length), s, beam.length, beam.finished, w, max(params.eos, 0), &key, &score, &length, &done, &parent, &token);
      continue;
    }
    let base = r * V;
    var largest = logits[base];
    for (var v = 1u; v < V; v++) { largest = max(largest, logits[base + v]); }
    var total = 0.0;
    for (var v = 0u; v < V; v++) { total += exp(logits[base + v] - largest); }
    let log_total = largest + log(total);
    let len = beam.length + 1u;
    for (var v = 0u; v < V; v++) {
      let candidate = s + logits[base + v] - log_total;
      let k = normalised(candidate, len);
      if (k > key[W - 1u] && !repeats_ngram(n, w, i32(v))) {
        insert(k, candidate, len, select(0u, 1u, i32(v) == params.eos), w, i32(v), &key, &score, &length, &done, &parent, &token);
      }
    }
  }

  for (var i = 0u; i < W; i++) {
    let r = n * W + i;
    beams_out[r] = Beam(score[i], length[i], done[i]);
    source_row[r] = n * W + parent[i];
    token_history[params.step * params.inputs * W + r] = token[i];
    parent_history[params.step * params.inputs * W + r] = parent[i];
  }
}

// True when beam w of input n choosing v would repeat an n-gram of its own tokens: its last
// (m − 1) tokens followed by v occur earlier in it. Walks the history back from row step − 1,
// keeping the m most recent tokens seen (window[k] = token k places after the walk's position).
fn repeats_ngram(n: u32, w: u32, v: i32) -> bool {
  let m = params.no_repeat_ngram;
  if (m == 0u || params.step < m) { return false; }
  let R = params.inputs * params.width;
  var gram: array<i32, MAX_NGRAM>;
  var window: array<i32, MAX_NGRAM>;
  gram[m - 1u] = v;
  var beam = w;
  for (var walked = 0u; walked < params.step; walked++) {
    let at = (params.step - 1u - walked) * R + n * params.width + beam;
    let token = token_history[at];
    beam = parent_history[at];
    for (var k = m - 1u; k > 0u; k--) { window[k] = window[k - 1u]; }
    window[0] = token;
    if (walked + 1u < m) {
      gram[m - 2u - walked] = token;
      continue;
    }
    var same = true;
    for (var k = 0u; k < m; k++) {
      if (window[k] != gram[k]) { same = false; break; }
    }
    if (same) { return true; }
  }
  return false;
}

// Inserts a candidate into the sorted best-W lists if it beats the last; ties keep the earlier.
fn insert(k: f32, s: f32, len: u32, fin: u32, w: u32, v: i32,
          key: ptr<function, array<f32, MAX_WIDTH>>, score: ptr<function, array<f32, MAX_WIDTH>>,
          length: ptr<function, array<u32, MAX_WIDTH>>, done: ptr<function, array<u32, MAX_WIDTH>>,
          parent: ptr<function, array<u32, MAX_WIDTH>>, token: ptr<function, array<i32, MAX_WIDTH>>) {
  let W = params.width;
  if (!(k > (*key)[W - 1u])) { return; }
  var at = W - 1u;
  while (at > 0u && k > (*key)[at - 1u]) {
    (*key)[at] = (*key)[at - 1u];
    (*score)[at] = (*score)[at - 1u];
    (*length)[at] = (*length)[at - 1u];
    (*done)[at] = (*done)[at - 1u];
    (*parent)[at] = (*parent)[at - 1u];
    (*token)[at] = (*token)[at - 1u];
    at--;
  }
  (*key)[at] = k;
  (*score)[at] = s;
  (*length)[at] = len;
  (*done)[at] = fin;
  (*parent)[at] = w;
  (*token)[at] = v;
}

@compute @workgroup_size(WG, 1, 1)
fn gather_rows(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * WG;
  let count = params.blocks * params.out_rows * params.row_width;
  if (i >= count) { return; }
  let e = i % params.row_width;
  let r = (i / params.row_width) % params.out_rows;
  let k = i / (params.row_width * params.out_rows);
  rows_out[i] = rows_in[(k * params.in_rows + index[r]) * params.row_width + e];
}
