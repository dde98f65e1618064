export declare const ROOT_CAUSE: string;
/** Writes a synthetic bazel build log of about `mb` MiB. */
export declare function writeSyntheticLog(path: string, mb: number): Promise<{ bytes: number; lines: number; rootCauseLine: number }>;
