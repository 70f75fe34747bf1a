/** Float64 references for layer normalisation, softmax and log-softmax, used by the tests. */

export interface LayerNormResult {
  y: Float64Array;
  /** dL/dx, dL/dgamma, dL/dbeta for the given dL/dy. */
  dx: Float64Array;
  dGamma: Float64Array;
  dBeta: Float64Array;
}

/** y = (x − mean) / sqrt(var + eps) · gamma + beta over rows of `features`, and its gradients. */
export function referenceLayerNorm(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, dy: ArrayLike<number>, features: number, eps = 1e-5): LayerNormResult {
  const rows = x.length / features;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dGamma = new Float64Array(features);
  const dBeta = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const base = r * features;
    let mean = 0;
    for (let f = 0; f < features; f++) mean += x[base + f]!;
    mean /= features;
    let variance = 0;
    for (let f = 0; f < features; f++) variance += (x[base + f]! - mean) ** 2;
    variance /= features;
    const rstd = 1 / Math.sqrt(variance + eps);
    const xHat = Array.from({ length: features }, (_, f) => (x[base + f]! - mean) * rstd);
    let meanG = 0;
    let meanGx = 0;
    for (let f = 0; f < features; f++) {
      y[base + f] = xHat[f]! * gamma[f]! + beta[f]!;
      const g = dy[base + f]! * gamma[f]!;
      meanG += g / features;
      meanGx += (g * xHat[f]!) / features;
      dGamma[f]! += dy[base + f]! * xHat[f]!;
      dBeta[f]! += dy[base + f]!;
    }
    for (let f = 0; f < features; f++) dx[base + f] = rstd * (dy[base + f]! * gamma[f]! - meanG - xHat[f]! * meanGx);
  }
  return { y, dx, dGamma, dBeta };
}

/** log softmax of each row of `classes` logits. */
export function referenceLogSoftmax(logits: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let base = 0; base < logits.length; base += classes) {
    let largest = -Infinity;
    for (let j = 0; j < classes; j++) largest = Math.max(largest, logits[base + j]!);
    let total = 0;
    for (let j = 0; j < classes; j++) total += Math.exp(logits[base + j]! - largest);
    const logTotal = largest + Math.log(total);
    for (let j = 0; j < classes; j++) out[base + j] = logits[base + j]! - logTotal;
  }
  return out;
}
