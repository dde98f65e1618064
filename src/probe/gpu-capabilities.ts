/**
 * GPU name → CUDA compute capability, for drivers too old to answer `--query-gpu=compute_cap` (added around R510).
 * Source: NVIDIA, "CUDA GPUs - Compute Capability", https://developer.nvidia.com/cuda-gpus (and its legacy page).
 * Only GPUs whose drivers predate compute_cap matter here, plus common later ones for `--host-facts` made by hand.
 * First match wins, so more specific patterns come first.
 */
export const GPU_CAPABILITY_TABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bH100\b|\bH200\b|\bGH200\b/i, '9.0'],
  [/\bL4\b|\bL40S?\b|RTX 40\d0|RTX (2000|4000|4500|5000|6000) Ada/i, '8.9'],
  [/\bA100\b|\bA30\b/i, '8.0'],
  [/\bA10G?\b|\bA40\b|\bA16\b|\bA2\b|RTX 30\d0|RTX A\d{4}/i, '8.6'],
  [/\bT4\b|RTX 20\d0|GTX 16\d0|TITAN RTX|Quadro RTX/i, '7.5'],
  [/\bV100\b|TITAN V\b/i, '7.0'],
  [/\bP100\b/i, '6.0'],
  [/\bP40\b|\bP4\b|GTX 10\d0|TITAN Xp|TITAN X \(Pascal\)|Quadro P\d+/i, '6.1'],
  [/\bM40\b|\bM60\b|GTX 9[5-8]0|GTX TITAN X|Quadro M\d+/i, '5.2'],
  [/GTX 750|GTX 745|\bM10\b/i, '5.0'],
  [/\bK80\b/i, '3.7'],
  [/\bK40|\bK20|GTX TITAN|GTX 780/i, '3.5'],
  [/\bK10\b|GTX 6[5-9]0|GTX 770|GTX 760/i, '3.0'],
];

export function capabilityFromName(name: string): string | null {
  for (const [re, cc] of GPU_CAPABILITY_TABLE) if (re.test(name)) return cc;
  return null;
}
