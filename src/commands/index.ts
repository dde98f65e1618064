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

export type RegisterCommand = (program: Command, io: CliIO) => Command;

export const COMMANDS: RegisterCommand[] = [registerDoctor, registerExplain, registerDocker, registerCache];
