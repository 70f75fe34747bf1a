// Shared by every persistent recurrent kernel (lstm_*, gru_*, rnn_*): the host prepends this
// file to each (src/kernels/recurrent_common.ts), so what follows is declared once.
//
// Every recurrent kernel is dispatched as (ceil(B / BT), D, N): workgroup (x, d, n) owns
// sequences [x·BT, x·BT + BT) of direction d and the HS units of head n for one chunk of
// processing steps, and `main` below is every kernel's entry point: it loads the tile's
// state into workgroup memory, runs the chunk's steps (forward in order, backward in
// reverse) and stores the state. Direction 1 runs in reverse: processing step s of
// sequence b is time len_b − 1 − s. Heads are independent in time (W_hh is block
// diagonal), so no workgroup reads another's units; one head (HS = H) is the dense cell.
//
// Each kernel declares GATES (gate blocks per unit), SAVED (activations per unit kept for
// backward) and REVERSE (backward kernels), and defines load_unit(i, at),
// row_term(which, tile, row, i, s) (the terms of sum_rows, for layer norm) and
// store_unit(i, at, last) (element i of the tile's [BT][HS] carried state in workgroup
// memory, element `at` of the state buffers; `last` is the half a double-buffered state
// ends in) and run_step(tile, lid, step). Per-unit workgroup arrays are [BT][HS] (or
// [BT][G·HS]), indexed by the unit's place in its head, j − tile.head0.

override H: u32;            // hidden size: the stride of every per-unit array in memory
override HS: u32;           // units per head (H with one head): a workgroup's units
override BT: u32;           // sequences per workgroup
override WG: u32 = 256;     // invocations per workgroup
override US: u32 = 64;      // split_step: hidden units each workgroup owns
override LAYER_NORM: bool = false;  // layer normalisation inside the cell (Ba et al. 2016)
override SUM_SLOTS: u32 = 1u;       // LAYER_NORM: BT · SLICES partial sums, else 1

// sum_rows and row_moments split each row's terms into SLICES interleaved slices: enough
// to share a row among work items, few enough that each consumer adds them itself.
const SLICES: u32 = 8u;

struct RecurrentParams {
  batch: u32,          // B
  steps: u32,          // T
  step_begin: u32,     // lowest processing step of this chunk
  step_count: u32,     // steps in this chunk
  has_lengths: u32,    // 0: every sequence has length `steps`
  state_offset: u32,   // element offset of this layer's [D, B, H] in the state buffers (read)
  state_write: u32,    // where the state after the chunk goes (split_step: the other buffer half)
  directions: u32,     // D
  row_t: u32,          // row of (t, b) in pre, out, saved and gradients is t·row_t + b·row_b:
  row_b: u32,          //   (B, 1) time-major, (1, T) batch-first
  zoneout_h: f32,      // ZONEOUT: rate on h
  zoneout_c: f32,      //   and on c (LSTM)
  dropout_p: f32,      // RECURRENT_DROPOUT: rate on the candidate
  mask_seed: u32,      // this layer's seed of the zoneout and dropout masks
  masks: u32,          // bit 0: sample masks (training; else zoneout's expectation, no dropout);
                       // bit 1: one recurrent-dropout mask per sequence
  norm_eps: f32,       // LAYER_NORM: ε inside the square root
}

@group(0) @binding(0) var<uniform> params: RecurrentParams;
@group(0) @binding(4) var<storage, read> lengths: array<u32>;      // [B]

var<workgroup> partial_sums: array<vec2<f32>, SUM_SLOTS>;   // [BT][SLICES]: the slices of sum_rows and row_moments

fn sigmoid(x: f32) -> f32 {
  // exp of a non-positive argument never overflows.
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// NaN: all exponent bits and a non-zero fraction. Integer bits, because a compiler may
// assume that floats are never NaN and fold `x != x` away.
fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// Some tanh implementations return NaN far out; ±15 is already ±1 in f32. A clamp would turn
// NaN into ±1 and hide a diverged model, so NaN passes through.
fn tanh_clamped(x: f32) -> f32 {
  return select(tanh(clamp(x, -15.0, 15.0)), x, is_nan(x));
}

// max(NaN, 0) is 0 on most GPUs; PyTorch's relu keeps NaN.
fn relu(x: f32) -> f32 {
  return select(max(x, 0.0), x, is_nan(x));
}

// PCG hash (O'Neill), as the dropout kernel and src/reference/cell-options.ts use it.
fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in [0, 1) for mask `kind` (1 zoneout h, 2 zoneout c, 3 recurrent dropout) at time
// t of sequence b, direction d, unit j: a hash, so backward regenerates what forward drew.
fn mask_uniform(kind: u32, t: u32, d: u32, b: u32, j: u32) -> f32 {
  let key = ((t * 2u + d) * params.batch + b) * H + j;
  return f32(pcg(pcg(params.mask_seed ^ pcg(kind)) ^ pcg(key)) >> 8u) / 16777216.0;
}

// Zoneout's weight on the previous value: 1 (zoned) or 0 when training, the rate otherwise.
fn zoneout_weight(kind: u32, rate: f32, t: u32, d: u32, b: u32, j: u32) -> f32 {
  if ((params.masks & 1u) == 0u) { return rate; }
  return select(0.0, 1.0, mask_uniform(kind, t, d, b, j) < rate);
}

// A carried value after zoneout (kind 1: h, 2: c): the previous one where zoned, the new
// one elsewhere, the expectation in evaluation; the new one without ZONEOUT (every
// kernel declares it).
fn zoneout_mix(kind: u32, rate: f32, previous: f32, new_value: f32, t: u32, d: u32, b: u32, j: u32) -> f32 {
  if (!ZONEOUT) { return new_value; }
  let m = zoneout_weight(kind, rate, t, d, b, j);
  return m * previous + (1.0 - m) * new_value;
}

// Recurrent dropout's factor on the candidate: 0 or 1 / (1 − p) when training, 1 otherwise.
fn dropout_factor(t: u32, d: u32, b: u32, j: u32) -> f32 {
  if ((params.masks & 1u) == 0u) { return 1.0; }
  let key_t = select(t, 0u, (params.masks & 2u) != 0u);
  return select(0.0, 1.0 / (1.0 - params.dropout_p), mask_uniform(3u, key_t, d, b, j) >= params.dropout_p);
}

fn sequence_length(b: u32) -> u32 {
  if (params.has_lengths == 0u) { return params.steps; }
  return lengths[b];
}

// The time step that processing step s of sequence b reads and writes in direction d.
fn time_of(d: u32, b: u32, s: u32) -> u32 {
  return select(s, sequence_length(b) - 1u - s, d == 1u);
}

fn row_of(t: u32, b: u32) -> u32 {
  return t * params.row_t + b * params.row_b;
}

// Per-unit arrays laid out rows × [D, width, H]: out and d_out (width 1), saved (SAVED),
// pre and d_gates (GATES).
fn unit_index(d: u32, t: u32, b: u32, width: u32, slot: u32, j: u32) -> u32 {
  return ((row_of(t, b) * params.directions + d) * width + slot) * H + j;
}

// The rows first + offset … first + offset + 3 of a work item's block; rows past the tile
// repeat `first` (computed, never stored).
fn block_rows(first: u32, offset: u32, rows: u32) -> vec4<u32> {
  let r = vec4<u32>(first + offset) + vec4<u32>(0u, 1u, 2u, 3u);
  return select(vec4<u32>(first), r, r < vec4<u32>(rows));
}

// The batch tile a workgroup works on: direction, first sequence, sequences in the tile,
// the offsets of its [rows, H] block in the state buffers (read, written), the first unit
// of its head, and the hidden units it owns, [unit0, unit0 + units): the whole head in
// `main`, a slice of it in `split_step`.
struct Tile {
  d: u32,
  b0: u32,
  rows: u32,
  state: u32,
  state_out: u32,
  head0: u32,
  unit0: u32,
  units: u32,
}

// Index of tile row `row`, unit j in a [BT][HS] workgroup array.
fn local_unit(tile: Tile, row: u32, j: u32) -> u32 {
  return row * HS + j - tile.head0;
}

// Element of the state buffers holding element i of the tile's [BT][HS] state.
fn state_at(base: u32, tile: Tile, i: u32) -> u32 {
  return base + (i / HS) * H + tile.head0 + i % HS;
}

fn owns(tile: Tile, j: u32) -> bool {
  return j >= tile.unit0 && j < tile.unit0 + tile.units;
}

// One step of the chunk: processing step s, and the offsets of the previous and next halves
// of a double-buffered [2][BT][HS] state (by the parity of the step's index in the chunk).
struct Step {
  s: u32,
  prev: u32,
  next: u32,
}

fn tile_of(d: u32, b0: u32, head0: u32, unit0: u32, units: u32) -> Tile {
  let at = (d * params.batch + b0) * H;
  return Tile(d, b0, min(BT, params.batch - b0), params.state_offset + at, params.state_write + at, head0, unit0, units);
}

// Per-row sums of kernel-defined terms, left as SLICES partial sums per row: each work item
// (row, slice) sums an interleaved slice, and consumers add a row's few slices in a fixed
// order (row_total; deterministic, no atomics), which spares the barrier of a merging
// phase. Call from uniform control flow; ends with a barrier. partial_sums holds the
// result until the next call.
fn sum_rows(tile: Tile, lid: u32, which: u32, count: u32, s: u32) {
  for (var item = lid; item < tile.rows * SLICES; item += WG) {
    var sum = vec2<f32>(0.0);
    for (var i = item % SLICES; i < count; i += SLICES) { sum += row_term(which, tile, item / SLICES, i, s); }
    partial_sums[item] = sum;
  }
  workgroupBarrier();
}

// Σ_{i < count} row_term(which, tile, row, i, s) after sum_rows.
fn row_total(row: u32) -> vec2<f32> {
  var sum = vec2<f32>(0.0);
  for (var k = 0u; k < SLICES; k++) { sum += partial_sums[row * SLICES + k]; }
  return sum;
}

// The moments of each row's `count` values (the x of row_term kind `values`) for a layer
// norm: each slice keeps its sum and M2 = Σ (v − slice mean)², two passes over workgroup
// memory, and row_norm merges the slices exactly (Chan et al.), so the variance does not
// cancel. Same calling rules as sum_rows.
fn row_moments(tile: Tile, lid: u32, values: u32, count: u32, s: u32) {
  for (var item = lid; item < tile.rows * SLICES; item += WG) {
    let row = item / SLICES;
    var sum = 0.0;
    for (var i = item % SLICES; i < count; i += SLICES) { sum += row_term(values, tile, row, i, s).x; }
    let mean = sum / f32(max(slice_count(item % SLICES, count), 1u));
    var m2 = 0.0;
    for (var i = item % SLICES; i < count; i += SLICES) {
      let centred = row_term(values, tile, row, i, s).x - mean;
      m2 += centred * centred;
    }
    partial_sums[item] = vec2<f32>(sum, m2);
  }
  workgroupBarrier();
}

// (mean, 1/sqrt(variance + ε)) of a row after row_moments.
fn row_norm(row: u32, count: u32) -> vec2<f32> {
  let mean = row_total(row).x / f32(count);
  var m2 = 0.0;
  for (var k = 0u; k < SLICES; k++) {
    let n = slice_count(k, count);
    if (n == 0u) { continue; }
    let part = partial_sums[row * SLICES + k];
    let shift = part.x / f32(n) - mean;
    m2 += part.y + f32(n) * shift * shift;
  }
  return vec2<f32>(mean, inverseSqrt(m2 / f32(count) + params.norm_eps));
}

// Values slice k of a row of `count` takes: i = k, k + SLICES, … below count.
fn slice_count(k: u32, count: u32) -> u32 {
  return select(0u, (count - k + SLICES - 1u) / SLICES, k < count);
}

// The persistent strategy: workgroup (x, d, n) owns every unit of head n of batch tile x
// for the chunk.
@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let head0 = group.z * HS;
  let tile = tile_of(group.y, group.x * BT, head0, head0, HS);
  for (var i = lid; i < tile.rows * HS; i += WG) { load_unit(i, state_at(tile.state, tile, i)); }
  workgroupBarrier();
  for (var n = 0u; n < params.step_count; n++) {
    let s = select(params.step_begin + n, params.step_begin + params.step_count - 1u - n, REVERSE);
    run_step(tile, lid, Step(s, (n & 1u) * BT * HS, ((n + 1u) & 1u) * BT * HS));
  }
  // run_step ends with a barrier, so every unit's last value is in place.
  let last = (params.step_count & 1u) * BT * HS;
  for (var i = lid; i < tile.rows * HS; i += WG) { store_unit(i, state_at(tile.state_out, tile, i), last); }
}

// The split-hidden strategy: one dispatch per step (step_count 1), (N · ceil(HS / US),
// ceil(B / BT), D) workgroups. Each loads the state of its tile's head, runs the step for
// the US units it owns (work every unit of the head needs, such as backward's gate
// gradients, it repeats) and writes those units' state to the other half of a ping-pong buffer.
@compute @workgroup_size(WG, 1, 1)
fn split_step(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let spans = (HS + US - 1u) / US;
  let head0 = (group.x / spans) * HS;
  let first = (group.x % spans) * US;
  let tile = tile_of(group.z, group.y * BT, head0, head0 + first, min(US, HS - first));
  for (var i = lid; i < tile.rows * HS; i += WG) { load_unit(i, state_at(tile.state, tile, i)); }
  workgroupBarrier();
  run_step(tile, lid, Step(params.step_begin, 0u, BT * HS));
  for (var item = lid; item < tile.rows * tile.units; item += WG) {
    let i = (item / tile.units) * HS + first + item % tile.units;
    store_unit(i, state_at(tile.state_out, tile, i), BT * HS);
  }
}
