/**
 * Compatibility data for the GPU checks, kept as data with its source.
 *
 * MIN_DRIVER: "CUDA Toolkit and Corresponding Driver Versions" (Linux x86_64, GA releases), CUDA Toolkit Release
 * Notes, https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/ (Table 3; older rows from the archived notes).
 * MINOR_COMPAT_DRIVER: the same notes, "CUDA minor version compatibility": since CUDA 11, a toolkit runs (without
 * PTX JIT of newer PTX) on any driver of the same major from this version on.
 * CUDNN_MAJORS_FOR_CUDA: cuDNN support matrices and archive (https://docs.nvidia.com/deeplearning/cudnn/ and
 * https://developer.nvidia.com/rdp/cudnn-archive): the cuDNN majors NVIDIA shipped builds of for each CUDA major.
 */
export const MIN_DRIVER: ReadonlyArray<readonly [cuda: string, driver: string]> = [
  ['13.0', '580.65.06'],
  ['12.9', '575.51.03'],
  ['12.8', '570.26'],
  ['12.6', '560.28.03'],
  ['12.5', '555.42.02'],
  ['12.4', '550.54.14'],
  ['12.3', '545.23.06'],
  ['12.2', '535.54.03'],
  ['12.1', '530.30.02'],
  ['12.0', '525.60.13'],
  ['11.8', '520.61.05'],
  ['11.7', '515.43.04'],
  ['11.6', '510.39.01'],
  ['11.5', '495.29.05'],
  ['11.4', '470.42.01'],
  ['11.3', '465.19.01'],
  ['11.2', '460.27.03'],
  ['11.1', '455.23'],
  ['11.0', '450.36.06'],
  ['10.2', '440.33'],
  ['10.1', '418.39'],
  ['10.0', '410.48'],
  ['9.2', '396.26'],
  ['9.1', '390.46'],
  ['9.0', '384.81'],
  ['8.0', '375.26'],
  ['7.5', '352.31'],
  ['7.0', '346.46'],
];

export const MINOR_COMPAT_DRIVER: Readonly<Record<number, string>> = { 11: '450.80.02', 12: '525.60.13', 13: '580.65.06' };

export const CUDNN_MAJORS_FOR_CUDA: Readonly<Record<number, readonly number[]>> = {
  7: [4, 5, 6],
  8: [5, 6, 7],
  9: [7],
  10: [7, 8],
  11: [8, 9],
  12: [8, 9],
  13: [9],
};

/** Compare dotted numeric versions: -1, 0, 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The minimum driver for a toolkit "X.Y": its own row, else the nearest older row (12.7 → 12.6's). */
export function minDriverFor(cuda: string): string | null {
  for (const [v, d] of MIN_DRIVER) if (compareVersions(v, cuda) <= 0) return d;
  return null;
}

export type DriverFit = 'ok' | 'minor-compat' | 'too-old' | 'unknown';

export function driverFitsToolkit(driver: string, cuda: string): DriverFit {
  const min = minDriverFor(cuda);
  if (!min) return 'unknown';
  if (compareVersions(driver, min) >= 0) return 'ok';
  const compat = MINOR_COMPAT_DRIVER[Number.parseInt(cuda, 10)];
  if (compat && compareVersions(driver, compat) >= 0) return 'minor-compat';
  return 'too-old';
}
