/** The complete ./configure environment of a recipe era: every variable it would otherwise ask for. */
import { ConfigError, EnvironmentError } from '../errors.js';
import { formatTemplateHint } from './template-sources.js';
import { TEMPLATE_VARS, type Recipe, type TemplateVar } from '../recipes/schema.js';

export type TemplateValues = Partial<Record<TemplateVar, string>>;

/** Children run with a UTF-8 locale whatever the user's is: configure.py and bazel choke on non-UTF-8 paths. */
export const CHILD_LOCALE = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } as const;

export function formatBool(value: boolean, format: Recipe['configure']['boolFormat']): string {
  switch (format) {
    case '01':
      return value ? '1' : '0';
    case 'yn':
      return value ? 'y' : 'n';
    case 'truefalse':
      return value ? 'true' : 'false';
  }
}

export function isWanted(when: 'always' | 'cpu' | 'gpu', gpu: boolean): boolean {
  return when === 'always' || (when === 'gpu') === gpu;
}

export function expandTemplate(value: string, vars: TemplateValues, where: string): string {
  return value.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    if (!(TEMPLATE_VARS as readonly string[]).includes(name)) {
      throw new ConfigError(`${where}: unknown template variable ${whole}.`, {
        hint: `Use one of ${TEMPLATE_VARS.map((v) => `{${v}}`).join(' ')}.`,
      });
    }
    const v = vars[name as TemplateVar];
    if (v === undefined) {
      // The recipe is fine; this host (or its saved facts) lacks what provides the value: an environment fault.
      throw new EnvironmentError(`${where}: ${whole} has no value on this host.`, { hint: formatTemplateHint(name as TemplateVar) });
    }
    return v;
  });
}

function sortEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The variables exported before ./configure, in recipe order: booleans in the era's spelling, templates through
 * `fill`. The one renderer of a recipe's configure env: the plan fills every template (a missing value is an
 * error), `tfbuild recipes show` leaves unknown ones as {name}.
 */
export function renderConfigureEnv(recipe: Recipe, gpu: boolean, fill: (value: string, name: string) => string): { name: string; value: string; description?: string }[] {
  return recipe.configure.env
    .filter((e) => isWanted(e.when, gpu))
    .map((e) => {
      const value = e.bool !== undefined
        ? formatBool(e.bool === 'gpu' ? gpu : e.bool === 'cpu' ? !gpu : e.bool, recipe.configure.boolFormat)
        : fill(e.value ?? '', e.name);
      return { name: e.name, value, ...(e.description ? { description: e.description } : {}) };
    });
}

export function buildConfigureEnv(recipe: Recipe, gpu: boolean, vars: TemplateValues): Record<string, string> {
  const entries = renderConfigureEnv(recipe, gpu, (v, name) => expandTemplate(v, vars, `recipe ${recipe.line} configure env ${name}`));
  return sortEnv({ ...Object.fromEntries(entries.map((e) => [e.name, e.value])), ...CHILD_LOCALE });
}

export { sortEnv };
