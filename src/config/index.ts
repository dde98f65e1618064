/**
 * tfbuild.config.json / tfbuild.config.yaml: the same options as the flags, validated by the same schema
 * (BuildOptionsSchema). Precedence: flags win over the file. `--save-config FILE` writes a guided run's decisions
 * so the build can be repeated headless. Relative paths in a file are relative to the file, not the cwd.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, UsageError } from '../errors.js';
import { BuildOptionsSchema, type BuildOptions, type BuildOptionsInput } from '../plan/options.js';
import { writeFileAtomic } from '../state/atomic.js';

export const CONFIG_NAMES = ['tfbuild.config.json', 'tfbuild.config.yaml', 'tfbuild.config.yml'] as const;

/** Options as a config file gives them: only the keys it sets, validated. */
export type ConfigOptions = Partial<BuildOptions>;

export interface LoadedConfig {
  path: string;
  options: ConfigOptions;
}

/** The config file in `cwd`, if any; two of them is ambiguous and refused. */
export function findConfigFile(cwd: string): string | undefined {
  const found = CONFIG_NAMES.map((n) => join(cwd, n)).filter((p) => existsSync(p));
  if (found.length > 1) {
    throw new ConfigError(`Found ${found.length} config files; tfbuild reads exactly one.`, {
      details: found,
      hint: 'Delete or rename all but one, or pick one with --config FILE.',
    });
  }
  return found[0];
}

function formatOf(path: string): 'json' | 'yaml' {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  throw new UsageError(`Config file ${path} must end in .json, .yaml or .yml.`, {
    hint: 'Rename it, e.g. tfbuild.config.yaml.',
  });
}

/** Keys whose values are filesystem paths (resolved against the config file's directory). */
const PATH_KEYS = ['recipeFile', 'source', 'workdir', 'output', 'cudaPath', 'cudnnPath', 'repositoryCache'] as const;
/** Keys that are a path when they contain a slash, else a command name looked up on PATH (python3.6, gcc-11). */
const COMMAND_KEYS = ['python', 'hostCompiler', 'bazel'] as const;

function resolvePaths(o: ConfigOptions, base: string): ConfigOptions {
  const abs = (p: string): string => (isAbsolute(p) || p.startsWith('~') ? p : resolve(base, p));
  const out: ConfigOptions = { ...o };
  for (const k of PATH_KEYS) {
    const v = out[k];
    if (typeof v === 'string') out[k] = abs(v);
  }
  for (const k of COMMAND_KEYS) {
    const v = out[k];
    if (typeof v === 'string' && v.includes('/')) out[k] = abs(v);
  }
  if (typeof out.diskCache === 'string') out.diskCache = abs(out.diskCache);
  if (out.distdir) out.distdir = out.distdir.map(abs);
  if (out.install?.mode === 'venv' && out.install.venvDir) out.install = { ...out.install, venvDir: abs(out.install.venvDir) };
  if (out.install?.mode === 'into' && out.install.python.includes('/')) out.install = { ...out.install, python: abs(out.install.python) };
  return out;
}

/** Validate raw config data (already parsed from JSON/YAML). Keeps only the keys the data sets. */
export function validateConfig(raw: unknown, source: string): ConfigOptions {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected an object of options, got ${Array.isArray(raw) ? 'a list' : typeof raw}.`, {
      hint: 'Write options as keys, e.g. {"version": "r1.4", "gpu": true}.',
    });
  }
  const { $schema: _ignored, ...data } = raw as Record<string, unknown>;
  const parsed = BuildOptionsSchema.partial().safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(`${source} is not a valid tfbuild config.`, {
      details: parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`),
      hint: 'Fix those keys; the keys are the long flag names in camelCase (see tfbuild build --help).',
    });
  }
  const picked: Record<string, unknown> = {};
  for (const k of Object.keys(data)) picked[k] = (parsed.data as Record<string, unknown>)[k];
  return picked as ConfigOptions;
}

export function readConfigFile(path: string): LoadedConfig {
  const format = formatOf(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, {
      hint: 'Check the --config path.',
    });
  }
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0] ?? ''}`, {
      hint: 'Fix the syntax error.',
      cause: e,
    });
  }
  return { path, options: resolvePaths(validateConfig(raw, path), dirname(resolve(path))) };
}

/** --config FILE, else the config file in cwd, else none. */
export function loadConfig(o: { configFile?: string; cwd: string }): LoadedConfig | undefined {
  if (o.configFile !== undefined) return readConfigFile(resolve(o.cwd, o.configFile));
  const found = findConfigFile(o.cwd);
  return found === undefined ? undefined : readConfigFile(found);
}

/** Flags win over the config file. Only keys a flag actually set count as set (undefined = not given). */
export function mergeOptions(config: ConfigOptions | undefined, flags: Partial<BuildOptionsInput>): Partial<BuildOptionsInput> {
  const out: Record<string, unknown> = { ...(config ?? {}) };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v;
  return out as Partial<BuildOptionsInput>;
}

/**
 * Write decisions so a build can be repeated headless. Keys equal to the schema default are left out, so the file
 * says only what was decided. Written atomically; remote header values are written as given (${VAR} refs stay refs).
 */
export function writeConfigFile(path: string, options: BuildOptionsInput, o: { cwd?: string } = {}): string {
  const format = formatOf(path);
  // Relative paths were relative to the cwd; a config file's are relative to the file, so write them absolute.
  const full = resolvePaths(BuildOptionsSchema.parse(options), resolve(o.cwd ?? process.cwd())) as BuildOptions;
  const defaults = BuildOptionsSchema.parse({ version: full.version }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    if (v === undefined) continue;
    if (k !== 'version' && JSON.stringify(v) === JSON.stringify(defaults[k])) continue;
    out[k] = v;
  }
  const text = format === 'json' ? JSON.stringify(out, null, 2) + '\n' : stringifyYaml(out);
  const abs = resolve(path);
  writeFileAtomic(abs, text);
  return abs;
}
