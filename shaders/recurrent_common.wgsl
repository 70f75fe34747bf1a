// Shared by every persistent recurrent kernel (lstm_*, gru_*, rnn_*): the host prepends this
// file to each (src/kernels/recurrent_common.ts), so what follows is declared once.
//
// Every recurrent kernel is dispatched as (ceil(B / BT), D, 1): workgroup (x, d) owns
// sequences [x·BT, x·BT + BT) of direction d for one chunk of processing steps. Direction 1
// runs in reverse: processing step s of sequence b is time len_b − 1 − s. Each kernel
// declares GATES (gate blocks per unit) and SAVED (activations per unit kept for backward).

override H: u32;            // hidden size
override BT: u32;           // sequences per workgroup
override WG: u32 = 256;     // invocations per workgroup

struct RecurrentParams {
  batch: u32,          // B
  steps: u32,          // T
  step_begin: u32,     // lowest processing step of this chunk
  step_count: u32,     // steps in this chunk
  has_lengths: u32,    // 0: every sequence has length `steps`
  state_offset: u32,   // element offset of this layer's [D, B, H] in the state buffers
  directions: u32,     // D
  row_t: u32,          // row of (t, b) in pre, out, saved and gradients is t·row_t + b·row_b:
  row_b: u32,          //   (B, 1) time-major, (1, T) batch-first
}

@group(0) @binding(0) var<uniform> params: RecurrentParams;
@group(0) @binding(4) var<storage, read> lengths: array<u32>;      // [B]

fn sigmoid(x: f32) -> f32 {
  // exp of a non-positive argument never overflows.
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

// Some tanh implementations return NaN far out; ±15 is already ±1 in f32.
fn tanh_clamped(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
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

// Element offset of workgroup (b0, d)'s [BT, H] block of the [L·D, B, H] state buffers.
fn state_base(d: u32, b0: u32) -> u32 {
  return params.state_offset + (d * params.batch + b0) * H;
}

// Row `first + i` of a work item's block, or `first` past the tile (computed, never stored).
fn block_row(first: u32, i: u32, tile: u32) -> u32 {
  return select(first, first + i, first + i < tile);
}
