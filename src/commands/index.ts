/**
 * The command table. Each command module exports `register(program, io)`, which adds its subcommand to
 * commander and returns it. Commands stay thin: parse options, call the typed core, render.
 */
import type { Command } from 'commander';
import type { CliIO } from '../cli/main.js';
import { register as registerExplain } from './explain.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerDocker } from './docker.js';
import { register as registerCache } from './cache.js';
import { register as registerFetch } from './fetch.js';
import { register as registerBuild } from './build.js';
import { register as registerPlan } from './plan.js';
import { register as registerPatch } from './patch.js';
import { register as registerVerify } from './verify.js';
import { register as registerStatus } from './status.js';
import { register as registerRecipes } from './recipes.js';

export type RegisterCommand = (program: Command, io: CliIO) => Command;

export const COMMANDS: RegisterCommand[] = [registerDoctor, registerExplain, registerDocker, registerCache, registerFetch, registerBuild, registerPlan, registerPatch, registerVerify, registerStatus, registerRecipes];
