/**
 * The command table. Each command module exports `register(program, io)`, which adds its subcommand to
 * commander and returns it. Commands stay thin: parse options, call the typed core, render.
 * Modules load lazily: `tfbuild doctor` imports only doctor's code (start-up time is part of doctor's budget).
 */
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';

export type RegisterCommand = (program: Command, io: CliIO) => Command;
type Loader = () => Promise<{ register: RegisterCommand }>;

/** In help order. Keys are the command names as typed. */
export const COMMAND_LOADERS: Record<string, Loader> = {
  doctor: () => import('./doctor.js'),
  recipes: () => import('./recipes.js'),
  build: () => import('./build.js'),
  plan: () => import('./plan.js'),
  patch: () => import('./patch.js'),
  verify: () => import('./verify.js'),
  install: () => import('./install.js'),
  status: () => import('./status.js'),
  explain: () => import('./explain.js'),
  docker: () => import('./docker.js'),
  fetch: () => import('./fetch.js'),
  cache: () => import('./cache.js'),
  graph: () => import('./graph.js'),
};

/** The registrations needed for this argv: one command's, or all (help, no command, unknown command). */
export async function loadCommands(argv: readonly string[]): Promise<RegisterCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const name = first === 'help' ? argv[argv.indexOf('help') + 1] : first;
  if (name === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const loaders = name !== undefined && COMMAND_LOADERS[name] ? [COMMAND_LOADERS[name]] : Object.values(COMMAND_LOADERS);
  const modules = await Promise.all(loaders.map((load) => load()));
  return modules.map((m) => m.register);
}
